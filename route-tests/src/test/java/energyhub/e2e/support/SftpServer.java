package energyhub.e2e.support;

import com.jcraft.jsch.JSch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server on loopback (Apache MINA SSHD) standing for the exchange server in the internet
 * zone: its own RSA host key, key authentication only, one folder tree served as the account's home.
 */
public final class SftpServer implements AutoCloseable {

    /** The hub's SSH key pair, shared by all servers of a test run. */
    public static final Path CLIENT_KEYS = clientKeys();

    private final SshServer sshd;
    private final Path root;
    private final String hostKey;
    private final List<java.time.Instant> sessionStarts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile CountDownLatch ackGate;
    private volatile CountDownLatch ackGateReached;

    private SftpServer(Path root, Path hostKeyFile) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("inbound"));
        Files.createDirectories(root.resolve("outbound"));
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKeyFile);
        keys.setAlgorithm(KeyUtils.RSA_ALGORITHM);
        keys.setKeySize(2048);
        sshd.setKeyPairProvider(keys);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(CLIENT_KEYS.resolve("id_rsa.pub")));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void opening(ServerSession session, String remoteHandle, Handle localHandle) throws IOException {
                holdAckUpload(localHandle.getFile());
            }
        });
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionCreated(org.apache.sshd.common.session.Session session) {
                sessionStarts.add(java.time.Instant.now());
            }
        });
        sshd.start();
        KeyPair kp = keys.loadKeys(null).iterator().next();
        hostKey = PublicKeyEntry.toString(kp.getPublic());
    }

    /** A server with a host key of its own, kept in hostKeyFile (the same file gives the same key again). */
    public static SftpServer start(Path root, Path hostKeyFile) throws IOException {
        return new SftpServer(root, hostKeyFile);
    }

    public static SftpServer start(Path root) throws IOException {
        return start(root, root.resolveSibling(root.getFileName() + "-hostkey.ser"));
    }

    /** When each SSH session so far was opened (a poll with disconnect=true opens one). */
    public List<java.time.Instant> sessionStarts() {
        return List.copyOf(sessionStarts);
    }

    /** SSH sessions open right now (the hub should hold a bounded few, not one per package). */
    public int activeSessions() {
        return sshd.getActiveSessions().size();
    }

    public int port() {
        return sshd.getPort();
    }

    public Path inbound() {
        return root.resolve("inbound");
    }

    public Path outbound() {
        return root.resolve("outbound");
    }

    public Path archive() {
        return root.resolve("archive");
    }

    /** A known_hosts line pinning this server's host key for whatever listens at 127.0.0.1:port. */
    public String knownHostsLine(int port) {
        return "[127.0.0.1]:" + port + " " + hostKey;
    }

    /** Writes a known_hosts file pinning this server's key at its own port. */
    public Path knownHosts(Path file) throws IOException {
        return Files.writeString(file, knownHostsLine(port()) + "\n");
    }

    /** From now on an ACK upload (a temporary .writing- file) waits at the server until the gate is opened. */
    public CountDownLatch holdAckUploads() {
        ackGateReached = new CountDownLatch(1);
        ackGate = new CountDownLatch(1);
        return ackGateReached;
    }

    /** Lets held ACK uploads go on, failing them when failHeld (as a crashed connection would). */
    public void releaseAckUploads(boolean failHeld) {
        failHeldUploads = failHeld;
        CountDownLatch gate = ackGate;
        ackGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    private volatile boolean failHeldUploads;

    private void holdAckUpload(Path file) throws IOException {
        CountDownLatch gate = ackGate;
        if (gate == null || file == null || !file.getFileName().toString().startsWith(".writing-")) {
            return;
        }
        ackGateReached.countDown();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failHeldUploads) {
            throw new IOException("connection lost (test)");
        }
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    private static Path clientKeys() {
        try {
            Path dir = Files.createTempDirectory("hub-ssh");
            com.jcraft.jsch.KeyPair kp = com.jcraft.jsch.KeyPair.genKeyPair(new JSch(), com.jcraft.jsch.KeyPair.RSA, 3072);
            kp.writePrivateKey(dir.resolve("id_rsa").toString());
            kp.writePublicKey(dir.resolve("id_rsa.pub").toString(), "hub@test");
            kp.dispose();
            return dir;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
