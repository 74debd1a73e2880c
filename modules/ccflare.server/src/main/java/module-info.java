/**
 * The {@code ccflare} daemon: loads the configuration, wires the modules together, runs the
 * Jetty server and owns the process lifecycle (signals, drain, flush, exit codes).
 */
module ccflare.server {
    requires ccflare.core;
    requires ccflare.protocol;
    requires ccflare.db;
    requires ccflare.providers;
    requires ccflare.proxy;
    requires ccflare.api;
    requires org.slf4j;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.unixdomain.server;
    // SO_PEERCRED: the admin socket checks who is at the other end of each connection.
    requires jdk.net;
    // The log level is set and the live log stream is fed through Logback's API.
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    // The JSON config file is read and rewritten with Jackson (duplicate keys refused).
    requires com.fasterxml.jackson.databind;
    // sun.misc.Signal: SIGTERM/SIGINT stop the daemon with exit status 0 instead of the JVM's 143.
    requires jdk.unsupported;
    exports ccflare.server;
    // Logback finds the daemon's logging configuration as a service instead of parsing logback.xml.
    provides ch.qos.logback.classic.spi.Configurator with ccflare.server.LogConfiguration;
}
