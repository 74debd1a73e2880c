package ccflare.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * HTTP/1.1 over a Unix socket with nothing but the JDK ({@code curl --unix-socket} in Java): one
 * request per connection, the answer read whole. Enough for JSON API answers.
 */
final class SocketHttp {

    private SocketHttp() {}

    record Reply(int status, String head, String body) {}

    static Reply get(Path socket, String path) throws IOException {
        return send(socket, "GET", path, null);
    }

    static Reply send(Path socket, String method, String path, String json) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: ccflare\r\nConnection: close\r\n"
                    + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
            var out = Channels.newOutputStream(ch);
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            byte[] all = Channels.newInputStream(ch).readAllBytes();
            int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
            String responseHead = new String(all, 0, split, StandardCharsets.US_ASCII);
            byte[] rest = java.util.Arrays.copyOfRange(all, split + 4, all.length);
            if (responseHead.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) rest = unchunk(rest);
            return new Reply(Integer.parseInt(responseHead.substring(9, 12)), responseHead, new String(rest, StandardCharsets.UTF_8));
        }
    }

    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        int i = 0;
        while (true) {
            int eol = indexOf(chunked, crlf, i);
            int size = Integer.parseInt(new String(chunked, i, eol - i, StandardCharsets.US_ASCII).split(";")[0].strip(), 16);
            if (size == 0) return out.toByteArray();
            out.write(chunked, eol + 2, size);
            i = eol + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        throw new IllegalStateException("not an HTTP response: " + new String(haystack, StandardCharsets.ISO_8859_1));
    }
}
