package ccflare.proxy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The proxy's header rules, both directions, on the headers Claude Code and the Anthropic API
 * really send: the client's request headers rewritten for an OAuth account (credentials swapped,
 * anthropic-beta merged, hop-by-hop and accept-encoding dropped), and the upstream's response
 * headers copied to the client. {@code HeaderRewrite} is package-private, so this benchmark sits
 * in its package; the benchmarks run on the class path, where a package may span two jars.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class HeaderRewriteBenchmark {

    private static final Map.Entry<String, String> CREDENTIAL = Map.entry("authorization", "Bearer sk-ant-oat01-benchmark");
    private static final List<String> BETAS = List.of("oauth-2025-04-20");
    private HttpFields client;
    private HttpFields upstream;

    @Setup
    public void setUp() {
        client = HttpFields.build()
                .add(HttpHeader.HOST, "127.0.0.1:8080")
                .add(HttpHeader.CONNECTION, "keep-alive")
                .add(HttpHeader.ACCEPT, "application/json")
                .add("x-stainless-retry-count", "0")
                .add("x-stainless-timeout", "600")
                .add("x-stainless-lang", "js")
                .add("x-stainless-package-version", "0.60.0")
                .add("x-stainless-os", "Linux")
                .add("x-stainless-arch", "x64")
                .add("x-stainless-runtime", "node")
                .add("x-stainless-runtime-version", "v22.12.0")
                .add("anthropic-dangerous-direct-browser-access", "true")
                .add("anthropic-version", "2023-06-01")
                .add("authorization", "Bearer client-placeholder")
                .add("x-app", "cli")
                .add(HttpHeader.USER_AGENT, "claude-cli/2.0.14 (external, cli)")
                .add(HttpHeader.CONTENT_TYPE, "application/json")
                .add("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14")
                .add(HttpHeader.ACCEPT_ENCODING, "gzip, deflate, br, zstd")
                .add(HttpHeader.CONTENT_LENGTH, "48213")
                .asImmutable();
        upstream = HttpFields.build()
                .add(HttpHeader.DATE, "Wed, 25 Nov 2026 12:00:00 GMT")
                .add(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .add(HttpHeader.TRANSFER_ENCODING, "chunked")
                .add(HttpHeader.CONNECTION, "keep-alive")
                .add(HttpHeader.CACHE_CONTROL, "no-cache")
                .add("anthropic-ratelimit-unified-status", "allowed")
                .add("anthropic-ratelimit-unified-5h-status", "allowed")
                .add("anthropic-ratelimit-unified-5h-reset", "1780003600")
                .add("anthropic-ratelimit-unified-5h-utilization", "0.42")
                .add("anthropic-ratelimit-unified-7d-status", "allowed")
                .add("anthropic-ratelimit-unified-7d-reset", "1780086400")
                .add("anthropic-ratelimit-unified-7d-utilization", "0.17")
                .add("anthropic-ratelimit-unified-representative-claim", "five_hour")
                .add("anthropic-ratelimit-unified-fallback-percentage", "0.5")
                .add("anthropic-ratelimit-unified-reset", "1780003600")
                .add("request-id", "req_011CV8JAbcdefghijklmnop")
                .add("anthropic-organization-id", "00000000-0000-0000-0000-000000000000")
                .add("via", "1.1 google")
                .add("cf-cache-status", "DYNAMIC")
                .add("x-robots-tag", "none")
                .add(HttpHeader.SERVER, "cloudflare")
                .add("cf-ray", "8f0c0c0c0c0c0c0c-FRA")
                .asImmutable();
    }

    @Benchmark
    public HttpFields.Mutable requestToUpstream() {
        return HeaderRewrite.upstreamRequest(client, CREDENTIAL, BETAS);
    }

    @Benchmark
    public HttpFields.Mutable responseToClient() {
        HttpFields.Mutable out = HttpFields.build(upstream.size());
        HeaderRewrite.copyResponse(upstream, out);
        return out;
    }
}
