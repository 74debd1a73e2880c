/**
 * One adapter per upstream kind: how credentials are sent, how rate-limit headers and usage are
 * read, what a model costs, and (later) OAuth sign-in and refresh.
 */
module ccflare.providers {
    // Its public types take and return ccflare.core records.
    requires transitive ccflare.core;
    requires org.slf4j;
    // The streaming parser only: usage is scanned from SSE data lines and JSON bodies incrementally.
    requires com.fasterxml.jackson.core;
    // The tree model, only to load the pricing table (bundled or a models.dev file) once, off the hot path.
    requires com.fasterxml.jackson.databind;
    exports ccflare.providers;
}
