package energyhub.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** A client of the TCP push intake (contracts section 5), as a city platform would write it: plain sockets. */
public final class TcpClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    public TcpClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** Connected from the given local address (any of 127.0.0.0/8), as a client on another host would be. */
    public TcpClient(int port, String from) throws IOException {
        socket = new Socket("127.0.0.1", port, java.net.InetAddress.getByName(from), 0);
        socket.setSoTimeout(60_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** One frame: 4-byte big-endian length, then the UTF-8 bytes. */
    public void send(String json) throws IOException {
        sendRaw(json.getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] payload) throws IOException {
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    /** Only a length header announcing a frame of that size, and a few bytes of it. */
    public void announce(int length, byte[] start) throws IOException {
        out.writeInt(length);
        out.write(start);
        out.flush();
    }

    public JsonNode receive() throws IOException {
        int length = in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return JSON.readTree(new String(payload, StandardCharsets.UTF_8));
    }

    public JsonNode call(String json) throws IOException {
        send(json);
        return receive();
    }

    /** True when the hub has closed the connection (end of stream within the read timeout). */
    public boolean closedByHub() throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    public JsonNode login(String clientId, String secret) throws IOException {
        return call(JSON.createObjectNode().put("type", "LOGIN").put("clientId", clientId).put("secret", secret).toString());
    }

    /** A DATA frame: records are canonical record JSON texts. */
    public static String data(String batchId, java.util.List<String> records) {
        return "{\"type\":\"DATA\",\"batchId\":\"" + batchId + "\",\"records\":[" + String.join(",", records) + "]}";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
