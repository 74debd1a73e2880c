/**
 * {@code ccflarectl}: the administration command line and terminal UI, talking HTTP to the daemon
 * over its Unix socket. It knows the daemon only through ccflare.protocol.
 */
module ccflare.cli {
    requires ccflare.protocol;
    requires info.picocli;
    requires org.eclipse.jetty.client;
    requires org.jline.terminal;
    requires org.jline.reader;
    // picocli reads and writes the annotated command fields reflectively.
    opens ccflare.cli to info.picocli;
}
