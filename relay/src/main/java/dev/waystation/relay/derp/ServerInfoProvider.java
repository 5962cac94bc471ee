package dev.waystation.relay.derp;

/**
 * Supplies the ServerInfo a client receives, in particular the token bucket its client should apply
 * to its own sends. The default is unlimited (both fields 0, omitted like derper does).
 */
public interface ServerInfoProvider {

    ServerInfo serverInfo(NodeKey client, ClientInfo clientInfo);
}
