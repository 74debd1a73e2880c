package ccflare.proxy;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: UUIDs in the standard text form, version 7 (RFC 9562 §5.7: the Unix time in ms,
 * then 74 bits of our choosing), so the API and UI show them like any UUID and they sort by time.
 *
 * <p>Why not {@link UUID#randomUUID()}: it reads {@code SecureRandom} (NativePRNG: a global lock
 * and a read of /dev/urandom) on every request, which showed in the proxy's profile.
 *
 * <p>Uniqueness (requests.id is a PRIMARY KEY): the 74 bits hold all 64 bits of a process-wide
 * counter, then 10 bits of {@link ThreadLocalRandom}. Within one process the counter never
 * repeats (2^64 ids), so two ids differ whatever the clock does. Across processes (restarts
 * writing to the same database) the counter starts at a value drawn once from
 * {@link SecureRandom}: a clash needs the same millisecond (a clock stepped back) and two
 * counter ranges of at most a few million ids meeting in a 2^64 space, plus the same 10 random
 * bits.
 */
final class RequestIds {

    private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextLong());
    private static final long LOW_52 = (1L << 52) - 1;

    private RequestIds() {}

    /** A new id stamped with {@code epochMs} (the time the request arrived). */
    static String next(long epochMs) {
        long n = COUNTER.getAndIncrement();
        long msb = (epochMs & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (n >>> 52);
        long lsb = 0x8000_0000_0000_0000L | (n & LOW_52) << 10 | (ThreadLocalRandom.current().nextInt() & 0x3FF);
        return new UUID(msb, lsb).toString();
    }
}
