package bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 client connection on a raw socket, so that the load client can
 * time the first response byte, the first body byte and each body segment exactly (the JDK
 * HttpClient hides those moments behind its own buffering and threads).
 */
final class RawHttp implements Closeable {

    /** Sees body bytes as they arrive (already de-chunked), with the time they were read. */
    interface BodyListener {
        void onBody(byte[] b, int off, int len, long nanoTime);
    }

    /** One exchange's outcome; times are {@link System#nanoTime()} values. */
    /** Arrival of the first body byte and the body bytes read, of the response being read. */
    private long firstBody;
    private long total;

    /** Hands the next {@code left} body bytes to the listener as they arrive. */
    private void copyBody(long left, BodyListener listener) throws IOException {
        while (left > 0) {
            if (pos >= lim) {
                fill();
            }
            int n = (int) Math.min(left, lim - pos);
            if (firstBody == 0) {
                firstBody = lastFill;
            }
            if (listener != null) {
                listener.onBody(buf, pos, n, lastFill);
            }
            pos += n;
            left -= n;
            total += n;
        }
    }

    record Result(int status, long sent, long firstByte, long firstBodyByte, long end, long bodyBytes,
                  boolean keepAlive, String head) {
        double ttfbMs() {
            return (firstByte - sent) / 1e6;
        }

        double firstBodyMs() {
            return (firstBodyByte - sent) / 1e6;
        }

        double totalMs() {
            return (end - sent) / 1e6;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[32 * 1024];
    private int pos;
    private int lim;
    private long lastFill;

    RawHttp(int port, int timeoutMs) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMs);
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static byte[] request(String method, String path, int port, String extraHeaders, byte[] body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + extraHeaders
                + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Sends one request and reads its whole response. */
    Result exchange(byte[] request, BodyListener listener) throws IOException {
        long sent = System.nanoTime();
        out.write(request);
        out.flush();
        if (pos >= lim) {
            fill();
        }
        long firstByte = lastFill;
        // the head
        StringBuilder head = new StringBuilder(256);
        int matched = 0;
        while (matched < 4) {
            if (pos >= lim) {
                fill();
            }
            char c = (char) (buf[pos++] & 0xff);
            head.append(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        String h = head.toString();
        int sp = h.indexOf(' ');
        int status = Integer.parseInt(h.substring(sp + 1, sp + 4));
        long length = -1;
        boolean chunked = false;
        boolean keepAlive = !h.startsWith("HTTP/1.0");
        for (String line : h.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase();
            String value = line.substring(colon + 1).trim().toLowerCase();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> keepAlive = !value.contains("close") && (keepAlive || value.contains("keep-alive"));
                default -> { }
            }
        }
        firstBody = 0;
        total = 0;
        if (status == 204 || status == 304) {
            length = 0;
        }
        if (chunked) {
            while (true) {
                String sizeLine = line();
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                copyBody(size, listener);
                line(); // CRLF after the chunk
            }
        } else if (length >= 0) {
            copyBody(length, listener);
        } else {
            keepAlive = false;
            while (true) {
                if (pos >= lim && !tryFill()) {
                    break;
                }
                if (firstBody == 0) {
                    firstBody = lastFill;
                }
                if (listener != null) {
                    listener.onBody(buf, pos, lim - pos, lastFill);
                }
                total += lim - pos;
                pos = lim;
            }
        }
        long end = System.nanoTime();
        return new Result(status, sent, firstByte, firstBody == 0 ? end : firstBody, end, total, keepAlive, h);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(16);
        while (true) {
            if (pos >= lim) {
                fill();
            }
            char c = (char) (buf[pos++] & 0xff);
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append(c);
        }
    }

    private void fill() throws IOException {
        if (!tryFill()) {
            throw new EOFException("connection closed by the server");
        }
    }

    private boolean tryFill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        lastFill = System.nanoTime();
        if (n < 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
