package dev.waystation.relay.derp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * A ServerInfo seam that runs out of memory for one chosen key, as a failed allocation on that
 * client's handshake path would; every other key gets the default ServerInfo. Enabled only by the
 * test profile that names it.
 */
@Alternative
@ApplicationScoped
public class DoomedKeyServerInfo implements ServerInfoProvider {

    private volatile String doomed = "";

    /** From now on the client with this key ("nodekey:...") fails with an OutOfMemoryError. */
    void doom(String nodePublic) {
        doomed = nodePublic;
    }

    @Override
    public ServerInfo serverInfo(NodeKey client, ClientInfo clientInfo) {
        if (client.toString().equals(doomed)) {
            throw new OutOfMemoryError("injected for " + client);
        }
        return ServerInfo.UNLIMITED;
    }
}
