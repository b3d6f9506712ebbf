# A job on the nsrun network: `network { mode = "cni/nsrun" }` names the
# conflist; the port's "to" reaches nsrun as a portMapping.
job "web" {
  datacenters = ["dc1"]

  group "web" {
    network {
      mode = "cni/nsrun"
      port "http" {
        static = 8080
        to     = 80
      }
    }

    task "httpd" {
      driver = "docker"
      config {
        image   = "busybox:1.36"
        command = "httpd"
        args    = ["-f", "-p", "80", "-h", "/local"]
        ports   = ["http"]
      }
      template {
        data        = "hello from nsrun\n"
        destination = "local/index.html"
      }
    }
  }
}
