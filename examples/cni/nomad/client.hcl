# Nomad client: where it finds CNI plugins (nsrun linked there as
# "nsrun") and network configurations (nsrun.conflist).
client {
  enabled        = true
  cni_path       = "/opt/cni/bin"
  cni_config_dir = "/opt/cni/config"
}
