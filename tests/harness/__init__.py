"""Test harness for mod_mocourts: a private MariaDB, an SMTP sink, a
recording SMS/voice gateway and a private Apache, each started on loopback
under a temporary directory (in the style of httpd's test/pyhttpd)."""
