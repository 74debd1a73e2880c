package ccflare.testing;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Plays systemd's side of {@code sd_notify}: an {@code AF_UNIX} datagram socket bound at a path or
 * an abstract {@code @name}, the value to put in {@code NOTIFY_SOCKET}, that keeps every datagram
 * it receives with the time it arrived. Bound and read through the JDK's foreign function API,
 * since the JDK has no Unix datagram socket (the process needs {@code --enable-native-access}).
 */
public final class NotifyReceiver implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = function("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = function("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = function("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /**
     * One datagram.
     *
     * @param receivedNanos {@link System#nanoTime()} when it was read
     * @param text          its {@code KEY=value} lines
     */
    public record Message(long receivedNanos, String text) {
        /** Whether one of its lines is exactly {@code assignment}, e.g. {@code READY=1}. */
        public boolean has(String assignment) { return text.lines().anyMatch(assignment::equals); }

        /** The value of {@code key} in it, or null. */
        public String value(String key) {
            return text.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst().orElse(null);
        }
    }

    private final String address;
    private final int fd;
    private final Thread reader;
    private final List<Message> received = new ArrayList<>();
    private volatile boolean closed;

    private NotifyReceiver(String address, int fd) {
        this.address = address;
        this.fd = fd;
        this.reader = Thread.ofPlatform().name("notify-receiver").daemon().start(this::read);
    }

    /**
     * Binds a datagram socket at {@code address}: an absolute path (at most 107 bytes; the file is
     * removed on {@link #close}) or an abstract {@code @name}.
     */
    public static NotifyReceiver bind(String address) {
        requireNonNull(address, "address");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IllegalStateException("socket: errno " + errno(state));
            byte[] sa = sockaddr(address);
            MemorySegment to = arena.allocate(sa.length);
            to.copyFrom(MemorySegment.ofArray(sa));
            if ((int) BIND.invokeExact(state, fd, to, sa.length) != 0) {
                int errno = errno(state);
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw new IllegalStateException("bind(" + address + "): errno " + errno);
            }
            // recv() wakes every 100 ms, so close() can stop the reading thread.
            MemorySegment timeout = arena.allocate(16);
            timeout.set(JAVA_LONG, 0, 0L);
            timeout.set(JAVA_LONG, 8, 100_000L);
            if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16) != 0) {
                throw new IllegalStateException("setsockopt(SO_RCVTIMEO): errno " + errno(state));
            }
            return new NotifyReceiver(address, fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The value for {@code NOTIFY_SOCKET}. */
    public String address() { return address; }

    /** Every datagram received so far, in order. */
    public List<Message> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits for the first datagram received (also before this call) that {@code wanted} accepts. */
    public Message await(Predicate<Message> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (Message m : received) if (wanted.test(m)) return m;
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("no such notification within " + timeout + "; received: " + received);
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private void read() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buffer = arena.allocate(65536);
            while (!closed) {
                long n = (long) RECV.invokeExact(state, fd, buffer, buffer.byteSize(), 0);
                if (n < 0) {
                    int errno = errno(state);
                    if (errno == EAGAIN || errno == EINTR) continue;
                    if (!closed) System.err.println("notify-receiver: recv: errno " + errno);
                    return;
                }
                String text = new String(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                synchronized (received) {
                    received.add(new Message(System.nanoTime(), text));
                    received.notifyAll();
                }
            }
        } catch (Throwable t) {
            if (!closed) t.printStackTrace();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        reader.join(2000);
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (address.startsWith("/")) Files.deleteIfExists(Path.of(address));
    }

    private static byte[] sockaddr(String address) {
        boolean abstractName = address.startsWith("@");
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        if (abstractName) path[0] = 0;
        int used = 2 + path.length + (abstractName ? 0 : 1);
        if (used > 110) throw new IllegalArgumentException(address + ": longer than 107 bytes");
        return ByteBuffer.allocate(used).order(ByteOrder.nativeOrder()).putShort((short) AF_UNIX).put(path).array();
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment state) { return (int) ERRNO.get(state, 0L); }
}
