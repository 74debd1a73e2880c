package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin Unix socket: the same handlers as the TCP port ({@code /health}, {@code /api/**},
 * {@code /ws/**}), without the admin token (the API recognises the socket), behind {@link PeerCheck}.
 *
 * <p>Life cycle: {@link #prepare} (before the database is opened, so a second daemon stops at
 * once) checks the path's length, creates the directory (0700, or 0750 with the admin group),
 * and deals with a socket file already there: one that still accepts connections belongs to a
 * running daemon and stops start-up with exit code 2; one that refuses them was left by a daemon
 * that crashed and is replaced. {@link #attach} adds the connector and the peer check to the
 * server; the server's start binds the socket; {@link #started} narrows the socket file's mode.
 * Jetty's connector deletes the socket file when the server stops.
 *
 * <p>Java cannot set a socket's mode atomically at bind (it follows the umask), so the
 * directory's mode is the real barrier, and the peer check is the second.
 */
final class AdminSocket {

    private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);

    /** {@code sun_path} is 108 bytes on Linux, one of them the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_DIRECTORY = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> SOCKET = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_SOCKET = PosixFilePermissions.fromString("rw-rw----");

    private final Path path;
    private final Optional<String> adminGroup;
    private final GroupPrincipal group;
    private volatile PeerPolicy policy;

    private AdminSocket(Path path, Optional<String> adminGroup, GroupPrincipal group) {
        this.path = path;
        this.adminGroup = adminGroup;
        this.group = group;
    }

    /**
     * Makes the socket's place ready to bind.
     *
     * @param adminGroup {@code CCFLARE_ADMIN_GROUP}, when set
     * @throws StartupException exit code 2 for a path too long, an unknown group, a live socket
     *                          (another daemon), or a path that is not a socket; 1 when the
     *                          directory cannot be made
     */
    static AdminSocket prepare(Path path, Optional<String> adminGroup) {
        requireNonNull(path, "path");
        requireNonNull(adminGroup, "adminGroup");
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new StartupException(2, "ccflare: the admin socket path " + path + " is " + bytes + " bytes long (expected: at most "
                    + MAX_PATH_BYTES + "; set CCFLARE_SOCKET_PATH to a shorter path)", null);
        }
        GroupPrincipal group = adminGroup.map(AdminSocket::lookUp).orElse(null);
        directory(path.getParent(), group);
        clearStale(path);
        return new AdminSocket(path, adminGroup, group);
    }

    Path path() { return path; }

    /**
     * Adds the socket's connector (with the TCP connector's HTTP settings and idle timeout) to
     * the server and puts the peer check in front of the server's handler. Call after the
     * handler is set and before the server starts.
     */
    void attach(Server server, ServerConnector tcp) {
        HttpConnectionFactory http = tcp.getConnectionFactory(HttpConnectionFactory.class);
        // No acceptor thread (the selector accepts) and one selector: the admin socket sees a few
        // connections a minute, and the HTTP pool is shared with the proxy.
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 0, 1,
                new HttpConnectionFactory(http.getHttpConfiguration()));
        connector.setUnixDomainPath(path);
        connector.setIdleTimeout(tcp.getIdleTimeout());
        server.addConnector(connector);
        server.setHandler(new PeerCheck(server.getHandler(), connector, this::policy));
    }

    /** After the server has started: the socket file's mode and group, and the log line. */
    void started() {
        if (group != null) giveToGroup(path, group);
        try {
            Files.setPosixFilePermissions(path, group == null ? SOCKET : GROUP_SOCKET);
        } catch (IOException e) {
            throw new StartupException(1, "ccflare: cannot set the mode of the admin socket " + path + ": " + e, e);
        }
        LOG.info("Admin socket {} (allowed: {})", path, policy().expected());
    }

    /** The policy, made on first use: the daemon's user is the owner of the socket file it bound. */
    private PeerPolicy policy() {
        PeerPolicy p = policy;
        if (p != null) return p;
        String owner;
        try {
            // The socket file's owner, named by the same lookup SO_PEERCRED uses (so a uid
            // without a passwd entry is its number on both sides); user.name would be "?" there.
            owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            owner = System.getProperty("user.name", "?");
        }
        p = new PeerPolicy(owner, adminGroup);
        policy = p;
        return p;
    }

    private static GroupPrincipal lookUp(String name) {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new StartupException(2, "ccflare: CCFLARE_ADMIN_GROUP=" + name + ": no such group (expected: an existing group)", e);
        } catch (IOException e) {
            throw new StartupException(2, "ccflare: CCFLARE_ADMIN_GROUP=" + name + ": cannot be looked up (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Creates the directory 0700 (0750 and the admin group's). A directory that exists is left as
     * it is (it may be shared, like /tmp, or systemd's RuntimeDirectory with its own mode), with a
     * warning when other users may enter it.
     */
    private static void directory(Path dir, GroupPrincipal group) {
        if (Files.isDirectory(dir)) {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
                if (mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    LOG.warn("The admin socket's directory {} is open to other users (mode {}); only the peer check guards the socket",
                            dir, PosixFilePermissions.toString(mode));
                }
            } catch (IOException e) {
                LOG.debug("Cannot read the mode of {}", dir, e);
            }
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } catch (IOException e) {
            throw new StartupException(1, "ccflare: cannot create the admin socket's directory " + dir + ": " + e.getClass().getSimpleName()
                    + " (set CCFLARE_SOCKET_PATH to a writable place)", e);
        }
        if (group != null) giveToGroup(dir, group);
        try {
            // Set explicitly: the mode given at creation is narrowed by the umask.
            Files.setPosixFilePermissions(dir, group == null ? DIRECTORY : GROUP_DIRECTORY);
        } catch (IOException e) {
            throw new StartupException(1, "ccflare: cannot set the mode of the admin socket's directory " + dir + ": " + e, e);
        }
    }

    /** chgrp: allowed to root and to a member of the group. */
    private static void giveToGroup(Path p, GroupPrincipal group) {
        try {
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
        } catch (IOException e) {
            throw new StartupException(2, "ccflare: CCFLARE_ADMIN_GROUP=" + group.getName() + ": cannot give " + p + " to the group: "
                    + e.getClass().getSimpleName() + " (expected: a group the daemon's user is a member of)", e);
        }
    }

    /** Removes a socket file left by a daemon that did not stop cleanly; refuses a live one. */
    private static void clearStale(Path path) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException free) {
            return;
        } catch (IOException e) {
            throw new StartupException(2, "ccflare: cannot check the admin socket " + path + ": " + e, e);
        }
        if (!attributes.isOther()) {
            throw new StartupException(2, "ccflare: " + path + " exists and is not a socket (expected: a free path for the admin"
                    + " socket; set CCFLARE_SOCKET_PATH)", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking: a live daemon whose accept queue is full must not stall this start.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException refused) {
            try {
                Files.delete(path);
            } catch (IOException e) {
                throw new StartupException(2, "ccflare: cannot remove the stale admin socket " + path + ": " + e, e);
            }
            LOG.info("Replaced the stale admin socket {} left by a daemon that did not stop cleanly", path);
            return;
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            // EAGAIN: a listener whose queue is full is alive.
            if (!message.contains("temporarily unavailable")) {
                throw new StartupException(2, "ccflare: cannot check the admin socket " + path + ": " + e, e);
            }
        }
        throw new StartupException(2, "ccflare: another ccflare daemon is already serving " + path, null);
    }
}
