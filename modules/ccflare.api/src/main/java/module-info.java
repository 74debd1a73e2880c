/**
 * The management surface: /health and the /api/** REST endpoints as a Jetty core handler, with
 * the admin gate (Unix socket open; over TCP a loopback Host and the admin bearer token).
 */
module ccflare.api {
    // Its public types take ccflare.core ports (AccountRegistry, RequestQueries, OAuthFlows) in ApiContext.
    requires transitive ccflare.core;
    // Api.handler() returns a Jetty core Handler that the daemon mounts.
    requires transitive org.eclipse.jetty.server;
    requires ccflare.protocol;
    requires org.slf4j;
    requires org.eclipse.jetty.websocket.server;
    exports ccflare.api;
}
