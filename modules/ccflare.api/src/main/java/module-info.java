/**
 * The management surface: /health, the /api/** REST endpoints, the /ws/** live views and the web
 * dashboard (its files are resources of this module, under ccflare/api/dashboard/) as Jetty core
 * handlers, with the admin gate (Unix socket open; over TCP a loopback Host and the admin bearer
 * token or the dashboard's session cookie), and the LiveFeed the daemon publishes its log lines
 * and requests into.
 */
module ccflare.api {
    // Its public types take ccflare.core ports (AccountRegistry, RequestQueries, OAuthFlows) in ApiContext.
    requires transitive ccflare.core;
    // Api.handler() returns a Jetty core Handler that the daemon mounts.
    requires transitive org.eclipse.jetty.server;
    requires ccflare.protocol;
    requires org.slf4j;
    // Upgrades /ws/** through the server's ServerWebSocketContainer.
    requires org.eclipse.jetty.websocket.server;
    // LiveSocket is public (Jetty binds listener methods through a public lookup) and implements its Session.Listener.
    requires transitive org.eclipse.jetty.websocket.api;
    // GET /metrics through the Prometheus Java client rather than by hand: its registry and
    // metric types (core), its Prometheus-text and OpenMetrics writers (the module is named
    // io.prometheus.writer.text), and its JVM collectors. All three are automatic modules (an
    // Automatic-Module-Name, no module-info); the image puts them on the module path, not in jlink.
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.instrumentation.jvm;
    exports ccflare.api;
}
