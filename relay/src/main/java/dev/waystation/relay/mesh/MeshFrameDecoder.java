package dev.waystation.relay.mesh;

import dev.waystation.relay.derp.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Splits what a peer sends on a mesh link into frames. The link carries presence updates and
 * keep-alives, never bulk data, so frames are simply cumulated; one larger than a full packet frame
 * means the peer is not speaking DERP and fails the link. Used on the link's event loop only.
 */
final class MeshFrameDecoder {

    /** The largest frame a server sends: a RecvPacket of a full packet (source key ‖ 64 KiB). */
    static final int MAX_FRAME_LENGTH = Protocol.KEY_LENGTH + Protocol.MAX_PACKET_SIZE;

    interface Sink {
        /** One complete frame; {@code payload} is valid only during the call. */
        void onFrame(byte type, ByteBuf payload) throws MeshProtocolException;
    }

    private final CompositeByteBuf cumulation;
    private boolean released;

    MeshFrameDecoder(ByteBufAllocator alloc) {
        cumulation = alloc.compositeBuffer();
    }

    /** Takes ownership of {@code in} and delivers every complete frame. */
    void feed(ByteBuf in, Sink sink) throws MeshProtocolException {
        if (released) {
            in.release();
            return;
        }
        cumulation.addComponent(true, in);
        while (!released && cumulation.readableBytes() >= Protocol.FRAME_HEADER_LENGTH) {
            int start = cumulation.readerIndex();
            byte type = cumulation.getByte(start);
            long length = cumulation.getUnsignedInt(start + 1);
            if (length > MAX_FRAME_LENGTH) {
                throw new MeshProtocolException("frame type 0x" + Integer.toHexString(type & 0xFF) + " of " + length
                        + " bytes (at most " + MAX_FRAME_LENGTH + ")");
            }
            if (cumulation.readableBytes() - Protocol.FRAME_HEADER_LENGTH < length) {
                break;
            }
            ByteBuf payload = cumulation.slice(start + Protocol.FRAME_HEADER_LENGTH, (int) length);
            cumulation.readerIndex(start + Protocol.FRAME_HEADER_LENGTH + (int) length);
            sink.onFrame(type, payload);
        }
        if (!released) {
            cumulation.discardReadComponents();
        }
    }

    /** Frees what is buffered; later input is dropped. The sink may call this from {@link Sink#onFrame}. */
    void release() {
        if (!released) {
            released = true;
            cumulation.release();
        }
    }

    /** The peer broke the protocol; the link is closed and dialled again. */
    static final class MeshProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        MeshProtocolException(String message) {
            super(message);
        }
    }
}
