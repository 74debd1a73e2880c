/**
 * The management surface: /health, the /api/** REST endpoints, the live streams and the admin
 * token check, over both the TCP port and the Unix socket.
 */
module ccflare.api {
    // Its public types take ccflare.core ports.
    requires transitive ccflare.core;
    requires ccflare.protocol;
    requires org.slf4j;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.websocket.server;
    exports ccflare.api;
}
