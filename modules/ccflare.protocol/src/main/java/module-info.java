/**
 * The wire format of the REST API: JSON DTO records shared by the daemon and {@code ccflarectl},
 * and the one configured Jackson codec that reads and writes them.
 */
module ccflare.protocol {
    // The codec exposes JsonNode trees to callers that read free-form JSON (config file, PATCH bodies).
    requires transitive com.fasterxml.jackson.databind;
    exports ccflare.protocol;
    // Jackson binds the DTO records reflectively (canonical constructors and accessors).
    opens ccflare.protocol to com.fasterxml.jackson.databind;
}
