package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.protocol.ErrorBody;
import ccflare.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer credential check of the admin socket, in front of every handler. For a request that
 * came through the socket's connector it reads the peer's {@code SO_PEERCRED} once per
 * connection (the verdict is kept in the connection's attributes, so keep-alive requests do not
 * ask the kernel again), logs one WARN per refused connection, and answers a refused peer 403
 * {@code {"error":…}} and closes. Requests from any other connector (TCP) pass untouched: the
 * API's token check applies there.
 *
 * <p>Credentials that cannot be read refuse the connection: the check fails closed.
 */
final class PeerCheck extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(PeerCheck.class);
    private static final String VERDICT = PeerCheck.class.getName() + ".verdict";

    private final Connector socketConnector;
    private final Supplier<PeerPolicy> policy;

    /**
     * @param policy read at the first request of each connection; the daemon's user is only known
     *               once the socket file exists
     */
    PeerCheck(Handler next, Connector socketConnector, Supplier<PeerPolicy> policy) {
        super(requireNonNull(next, "next"));
        this.socketConnector = requireNonNull(socketConnector, "socketConnector");
        this.policy = requireNonNull(policy, "policy");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ConnectionMetaData connection = request.getConnectionMetaData();
        if (connection.getConnector() != socketConnector) return super.handle(request, response, callback);
        PeerPolicy.Verdict verdict = (PeerPolicy.Verdict) connection.getAttribute(VERDICT);
        if (verdict == null) {
            verdict = judge(connection);
            connection.setAttribute(VERDICT, verdict);
            if (verdict instanceof PeerPolicy.Verdict.Refused r) {
                LOG.warn("Refused an admin socket connection from user '{}' (group '{}'): {}", r.user(), r.group(), r.reason());
            }
        }
        return switch (verdict) {
            case PeerPolicy.Verdict.Admitted a -> super.handle(request, response, callback);
            case PeerPolicy.Verdict.Refused r -> refuse(r, response, callback);
        };
    }

    private PeerPolicy.Verdict judge(ConnectionMetaData connection) {
        EndPoint endPoint = connection.getConnection().getEndPoint();
        if (!(endPoint instanceof SocketChannelEndPoint socket)) {
            return new PeerPolicy.Verdict.Refused("?", "?", "the peer's credentials cannot be read (endpoint "
                    + endPoint.getClass().getSimpleName() + ")");
        }
        SocketChannel channel = socket.getChannel();
        UnixDomainPrincipal peer;
        try {
            peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return new PeerPolicy.Verdict.Refused("?", "?", "the peer's credentials cannot be read (" + e + ")");
        }
        return policy.get().judge(peer.user().getName(), peer.group().getName());
    }

    private static boolean refuse(PeerPolicy.Verdict.Refused refused, Response response, Callback callback) {
        byte[] body = Json.write(ErrorBody.of(refused.reason()));
        response.setStatus(HttpStatus.FORBIDDEN_403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
