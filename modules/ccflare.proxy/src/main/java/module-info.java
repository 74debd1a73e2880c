/**
 * The /v1/** hot path: route the request, choose the account, make the upstream attempts,
 * stream the response back, and hand one record per request to the request log.
 */
module ccflare.proxy {
    // Its public types take ccflare.core records and ports.
    requires transitive ccflare.core;
    // Proxy's constructor takes Pricing and ProviderAdapter.
    requires transitive ccflare.providers;
    requires org.slf4j;
    // Proxy.handler() returns a Jetty Handler.
    requires transitive org.eclipse.jetty.server;
    requires org.eclipse.jetty.client;
    requires com.fasterxml.jackson.core;
    exports ccflare.proxy;
}
