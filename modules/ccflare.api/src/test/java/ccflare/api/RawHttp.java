package ccflare.api;

import ccflare.protocol.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a TCP or Unix socket. It sends exactly the bytes a test asks
 * for, including a foreign or missing Host header, which the JDK client refuses to send.
 */
final class RawHttp {

    record Reply(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.getFirst();
        }

        JsonNode json() { return Json.tree(body.getBytes(StandardCharsets.UTF_8)); }

        String error() { return json().path("error").asText(); }
    }

    private RawHttp() {}

    static Reply tcp(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            return exchange(s.getOutputStream(), s.getInputStream(), request);
        }
    }

    static Reply unix(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return exchange(Channels.newOutputStream(ch), Channels.newInputStream(ch), request);
        }
    }

    /**
     * Builds a request with {@code Connection: close}; {@code headers} are complete lines without CRLF.
     * {@code body} null sends no body and no content-length.
     */
    static String request(String method, String target, List<String> headers, String body) {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String h : headers) b.append(h).append("\r\n");
        b.append("Connection: close\r\n");
        if (body != null) {
            b.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        b.append("\r\n");
        if (body != null) b.append(body);
        return b.toString();
    }

    private static Reply exchange(OutputStream out, InputStream in, String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] all = in.readAllBytes();
        int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (split < 0) throw new IOException("no header end in: " + new String(all, StandardCharsets.UTF_8));
        String[] lines = new String(all, 0, split, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(c + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, split + 4, all.length);
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.getFirst().equalsIgnoreCase("chunked")) rest = dechunk(rest);
        return new Reply(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int eol = indexOf(java.util.Arrays.copyOfRange(b, pos, b.length), "\r\n".getBytes()) + pos;
            int size = Integer.parseInt(new String(b, pos, eol - pos, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
            if (size == 0) return out.toByteArray();
            out.write(b, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
