/**
 * The domain of ccflare: accounts, credentials, request records, usage, pricing, configuration
 * records, and the ports (storage, recording) the outer modules implement. JDK only.
 */
module ccflare.core {
    exports ccflare.core;
}
