package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.api.LiveFeed;
import ccflare.api.Metrics;
import ccflare.core.RequestLog;
import ccflare.core.RequestRecord;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Feeds the live views ({@code /ws/logs}, {@code /ws/requests} and their SSE twins): every log
 * event the daemon writes, and every request as the proxy starts and records it. Both paths only
 * hand events to {@link LiveFeed}, which never blocks.
 */
final class LiveLog {

    private LiveLog() {}

    /** Attaches an appender to the root logger that copies each event to the feed; returns a detach action. */
    static Runnable attach(LiveFeed feed) {
        requireNonNull(feed, "feed");
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return () -> {};
        FeedAppender appender = new FeedAppender(feed);
        appender.setContext(context);
        appender.setName("ccflare-live");
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        return () -> {
            root.detachAppender(appender);
            appender.stop();
        };
    }

    /**
     * The request log the proxy writes to: the database first, then the metrics, then the live
     * views. This is the one place a finished request is counted in {@code /metrics}, kept or not.
     */
    static RequestLog tee(RequestLog stored, Metrics metrics, LiveFeed feed) {
        requireNonNull(stored, "stored");
        requireNonNull(metrics, "metrics");
        requireNonNull(feed, "feed");
        return new RequestLog() {
            @Override
            public boolean append(RequestRecord record) {
                boolean kept = stored.append(record);
                metrics.onRecord(record);
                feed.onRecord(record);
                return kept;
            }

            @Override
            public void started(String requestId, long receivedAtMs, String method, String path) {
                feed.onStart(requestId, receivedAtMs, method, path);
            }
        };
    }

    private static final class FeedAppender extends AppenderBase<ILoggingEvent> {
        private final LiveFeed feed;

        FeedAppender(LiveFeed feed) { this.feed = feed; }

        @Override
        protected void append(ILoggingEvent event) {
            feed.publishLog(event.getTimeStamp(), event.getLevel().toString(), event.getLoggerName(), event.getFormattedMessage());
        }
    }
}
