package ccflare.api;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A raw client for the live views: a WebSocket handshake and frame reader, and a server-sent-event
 * reader, over TCP or the Unix socket. It sends exactly the headers a test gives (a foreign
 * Origin, no token) and reads only when the test asks, so a test can play a client that stalls.
 */
final class RawLive implements AutoCloseable {

    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    final int status;
    final Map<String, String> headers;
    /** The error body of a refused handshake or request; empty otherwise. */
    final String body;
    private final java.io.Closeable connection;
    private final InputStream in;
    private BufferedReader events;

    private RawLive(java.io.Closeable connection, InputStream in, OutputStream out, String request) throws IOException {
        this.connection = connection;
        this.in = in;
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String[] lines = readHead(in).split("\r\n");
        this.status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            h.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        this.headers = h;
        String length = h.get("content-length");
        this.body = length == null ? "" : new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
    }

    /** A WebSocket handshake over TCP; {@code receiveBuffer} > 0 shrinks the socket's receive buffer (a client that reads slowly). */
    static RawLive webSocket(int port, String target, List<String> headers, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return new RawLive(s, s.getInputStream(), s.getOutputStream(), handshake(target, headers));
    }

    static RawLive webSocket(Path socket, String target, List<String> headers) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new RawLive(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch), handshake(target, headers));
    }

    /** A GET over TCP that stays open (an event stream). */
    static RawLive get(int port, String target, List<String> headers) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return new RawLive(s, s.getInputStream(), s.getOutputStream(), request(target, headers));
    }

    static RawLive get(Path socket, String target, List<String> headers) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new RawLive(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch), request(target, headers));
    }

    private static String handshake(String target, List<String> headers) {
        StringBuilder b = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
        for (String h : headers) b.append(h).append("\r\n");
        b.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(KEY)
                .append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
        return b.toString();
    }

    private static String request(String target, List<String> headers) {
        StringBuilder b = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
        for (String h : headers) b.append(h).append("\r\n");
        return b.append("\r\n").toString();
    }

    /** The Sec-WebSocket-Accept a correct server sends for {@link #KEY} (RFC 6455 §4.2.2). */
    static String expectedAccept() throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(
                (KEY + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    /** The next text message, skipping pings; null when the server closed the WebSocket. */
    String text() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) throw new EOFException("connection closed");
            long len = b1 & 0x7F;
            if (len == 126) len = ((in.read() & 0xFF) << 8) | (in.read() & 0xFF);
            else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) len = (len << 8) | (in.read() & 0xFF);
            }
            if ((b1 & 0x80) != 0) throw new IOException("a server frame must not be masked");
            byte[] payload = in.readNBytes((int) len);
            int opcode = b0 & 0x0F;
            if (opcode == 0x8) return null;
            if (opcode == 0x9 || opcode == 0xA) continue;
            message.write(payload);
            if ((b0 & 0x80) != 0) return message.toString(StandardCharsets.UTF_8);
        }
    }

    /** One server-sent event as {@code name\ndata}, or {@code ":comment"} for a comment line; reads the chunked body. */
    String event() throws IOException {
        if (events == null) {
            InputStream body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Dechunk(in) : in;
            events = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }
        String name = "message";
        StringBuilder data = null;
        for (String line; (line = events.readLine()) != null; ) {
            if (line.isEmpty()) {
                if (data != null) return name + "\n" + data;
                continue;
            }
            if (line.startsWith(":")) return line;
            if (line.startsWith("event: ")) name = line.substring(7);
            else if (line.startsWith("data: ")) data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
        throw new EOFException("stream ended");
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed in the response head: " + head);
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        String s = head.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    /** Chunked transfer decoding, read as it arrives. */
    private static final class Dechunk extends InputStream {
        private final InputStream in;
        private long left;
        private boolean end;

        Dechunk(InputStream in) { this.in = in; }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (end) return -1;
            if (left == 0) {
                String size = line();
                if (size.isEmpty()) size = line(); // the CRLF after the previous chunk
                left = Long.parseLong(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    end = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("chunk cut short");
            left -= n;
            return n;
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) throw new EOFException("stream ended");
                if (c != '\r') s.append((char) c);
            }
            return s.toString();
        }
    }

    @Override
    public void close() throws IOException { connection.close(); }
}
