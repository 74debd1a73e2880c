package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.RequestLog;
import ccflare.core.RequestRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A RequestLog that keeps every record for assertions. */
final class CapturingLog implements RequestLog {
    final List<RequestRecord> all = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<RequestRecord> queue = new LinkedBlockingQueue<>();

    @Override public boolean append(RequestRecord record) {
        all.add(record);
        queue.add(record);
        return true;
    }

    /** The next record, waiting up to 3 s. */
    RequestRecord next() throws InterruptedException {
        RequestRecord r = queue.poll(3, TimeUnit.SECONDS);
        assertThat(r).as("a request record").isNotNull();
        return r;
    }
}
