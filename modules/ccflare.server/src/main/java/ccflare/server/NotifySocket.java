package ccflare.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.util.Objects.requireNonNull;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The datagram socket to systemd's {@code $NOTIFY_SOCKET}: what {@code sd_notify(3)} does, through
 * the JDK's foreign function API (the JDK has no Unix datagram socket: {@code UnixDomainSocketAddress}
 * is for stream channels only). {@code socket(2)} and {@code sendto(2)} of the C library, nothing
 * of our own; the native calls are linked on first use, so a daemon outside systemd never makes
 * them. Needs {@code --enable-native-access=ccflare.server} (the launcher passes it).
 */
final class NotifySocket implements AutoCloseable {

    // Linux values (the same on every architecture the image is built for).
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EINTR = 4;
    /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and 108 bytes of path. */
    static final int SOCKADDR_UN_SIZE = 110;
    private static final int PATH_OFFSET = 2;

    private final String where;
    private final byte[] address;
    private final int fd;
    private boolean closed;

    private NotifySocket(String where, byte[] address, int fd) {
        this.where = where;
        this.address = address;
        this.fd = fd;
    }

    /**
     * The socket systemd named in {@code NOTIFY_SOCKET}; empty when it is unset (not under
     * systemd, or a unit that is not {@code Type=notify}).
     *
     * @throws IllegalArgumentException when the address is not one this can reach (the reason says why)
     * @throws IllegalStateException    when the socket cannot be created (the errno says why)
     */
    static Optional<NotifySocket> open(Map<String, String> env) {
        String where = env.get("NOTIFY_SOCKET");
        if (where == null || where.isEmpty()) return Optional.empty();
        byte[] address = sockaddr(where);
        int fd = Native.socket();
        return Optional.of(new NotifySocket(where, address, fd));
    }

    /**
     * The {@code struct sockaddr_un} bytes of a {@code NOTIFY_SOCKET} value, as long as its used
     * part ({@code socklen_t}): an absolute path (NUL-terminated), or an abstract name written
     * {@code @name} (a leading NUL instead of {@code @}, no terminator, as {@code sd_notify} does).
     *
     * @throws IllegalArgumentException for anything else: a relative path, {@code vsock:}, too long
     */
    static byte[] sockaddr(String notifySocket) {
        requireNonNull(notifySocket, "notifySocket");
        boolean abstractName = notifySocket.startsWith("@");
        if (!abstractName && !notifySocket.startsWith("/")) {
            throw new IllegalArgumentException("NOTIFY_SOCKET=" + notifySocket
                    + " (expected: an absolute path or an abstract @name of an AF_UNIX socket)");
        }
        byte[] path = notifySocket.getBytes(StandardCharsets.UTF_8);
        if (abstractName) path[0] = 0;
        int used = PATH_OFFSET + path.length + (abstractName ? 0 : 1);
        if (used > SOCKADDR_UN_SIZE || path.length < 2) {
            throw new IllegalArgumentException("NOTIFY_SOCKET=" + notifySocket + " (expected: 1 to 107 bytes of path)");
        }
        ByteBuffer b = ByteBuffer.allocate(used).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX).put(path);
        return b.array();
    }

    /** Where the messages go, as {@code NOTIFY_SOCKET} says. */
    String where() { return where; }

    /**
     * Sends one datagram of newline-separated {@code KEY=value} assignments.
     *
     * @throws IllegalStateException when it cannot be sent (the errno says why)
     */
    synchronized void send(String message) {
        requireNonNull(message, "message");
        if (closed) throw new IllegalStateException("the notify socket is closed");
        Native.send(fd, address, message.getBytes(StandardCharsets.UTF_8), where);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Native.close(fd);
    }

    /** The C library's functions; linked when the class is first used, which only a daemon under systemd does. */
    private static final class Native {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
        private static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle SENDTO = function("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

        private static MethodHandle function(String name, FunctionDescriptor descriptor) {
            MemorySegment symbol = LINKER.defaultLookup().find(name)
                    .orElseThrow(() -> new IllegalStateException("the C library has no " + name + "()"));
            return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
        }

        static int socket() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                int fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0) throw new IllegalStateException("socket(AF_UNIX, SOCK_DGRAM) failed: errno " + errno(state));
                return fd;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        static void send(int fd, byte[] address, byte[] message, String where) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                MemorySegment to = arena.allocate(address.length);
                to.copyFrom(MemorySegment.ofArray(address));
                MemorySegment data = arena.allocate(Math.max(1, message.length));
                data.copyFrom(MemorySegment.ofArray(message));
                while (true) {
                    long sent = (long) SENDTO.invokeExact(state, fd, data, (long) message.length, MSG_NOSIGNAL, to, address.length);
                    if (sent >= 0) return;
                    int errno = errno(state);
                    if (errno != EINTR) throw new IllegalStateException("sendto(" + where + ") failed: errno " + errno);
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        static void close(int fd) {
            try (Arena arena = Arena.ofConfined()) {
                int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
            } catch (Throwable t) {
                // nothing to do: the process is ending or the descriptor is already gone
            }
        }

        private static int errno(MemorySegment state) { return (int) ERRNO.get(state, 0L); }
    }
}
