package dev.waystation.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A container image as the build writes it ({@code <module>/target/jib-image.tar}, docker-archive
 * format: {@code manifest.json}, a config JSON and one tar per layer, gzip or plain), opened without
 * a container engine: its tags, its configuration and every file of every layer with its mode.
 */
public final class ImageTarball {

    private static final int BLOCK = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file or directory of a layer: its path without a leading {@code ./} or {@code /}, mode and type. */
    public record Entry(String path, int mode, char type) {

        public boolean isExecutableFile() {
            return type == '0' && (mode & 0111) != 0;
        }
    }

    private final List<String> repoTags;
    private final JsonNode config;
    private final Map<String, Entry> files;

    private ImageTarball(List<String> repoTags, JsonNode config, Map<String, Entry> files) {
        this.repoTags = repoTags;
        this.config = config;
        this.files = files;
    }

    /** The tarball the build wrote for this module: {@code -Dwaystation.image.tarball}, set by failsafe. */
    public static ImageTarball ofThisModule() throws IOException {
        String configured = System.getProperty("waystation.image.tarball");
        if (configured == null) {
            throw new IllegalStateException("no -Dwaystation.image.tarball: run this test through ./mvnw verify, "
                    + "whose package phase builds the image");
        }
        return open(Path.of(configured));
    }

    public static ImageTarball open(Path tarball) throws IOException {
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException(tarball + " does not exist: the package phase (Jib buildTar) writes it");
        }
        Map<String, byte[]> archive = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball))) {
            readTar(in, (entry, content) -> archive.put(entry.path(), content.readAllBytes()));
        }
        JsonNode manifest = JSON.readTree(required(archive, "manifest.json", tarball)).get(0);
        List<String> tags = new ArrayList<>();
        manifest.path("RepoTags").forEach(tag -> tags.add(tag.asText()));
        JsonNode config = JSON.readTree(required(archive, manifest.get("Config").asText(), tarball));
        // Later layers win, as in the union file system the container sees.
        Map<String, Entry> files = new LinkedHashMap<>();
        for (JsonNode layer : manifest.get("Layers")) {
            byte[] bytes = required(archive, layer.asText(), tarball);
            InputStream layerIn = new ByteArrayInputStream(bytes);
            if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                layerIn = new GZIPInputStream(layerIn);
            }
            readTar(layerIn, (entry, content) -> files.put(entry.path(), entry));
        }
        return new ImageTarball(List.copyOf(tags), config, files);
    }

    public List<String> repoTags() {
        return repoTags;
    }

    /** The {@code config} object of the image configuration (User, Entrypoint, Env, ExposedPorts...). */
    public JsonNode containerConfig() {
        return config.get("config");
    }

    public List<String> entrypoint() {
        List<String> entrypoint = new ArrayList<>();
        containerConfig().path("Entrypoint").forEach(arg -> entrypoint.add(arg.asText()));
        return entrypoint;
    }

    /** The value of one variable of the image's environment, or null. */
    public String env(String name) {
        for (JsonNode variable : containerConfig().path("Env")) {
            String text = variable.asText();
            if (text.startsWith(name + "=")) {
                return text.substring(name.length() + 1);
            }
        }
        return null;
    }

    public List<String> exposedPorts() {
        List<String> ports = new ArrayList<>();
        containerConfig().path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        return ports;
    }

    /** The file at an absolute path, or null. */
    public Entry file(String absolutePath) {
        return files.get(absolutePath.replaceFirst("^/+", ""));
    }

    /** Every file path (without the leading slash). */
    public List<String> paths() {
        return List.copyOf(files.keySet());
    }

    /** Where {@code command} resolves on the image's {@code PATH}, as the runtime's exec does, or null. */
    public String resolveOnPath(String command) {
        if (command.startsWith("/")) {
            Entry entry = file(command);
            return entry != null && entry.isExecutableFile() ? command : null;
        }
        String path = env("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            String candidate = dir.replaceFirst("/+$", "") + "/" + command;
            Entry entry = file(candidate);
            if (entry != null && entry.isExecutableFile()) {
                return candidate;
            }
        }
        return null;
    }

    private static byte[] required(Map<String, byte[]> archive, String name, Path tarball) {
        byte[] content = archive.get(name.replaceFirst("^(\\./)+", ""));
        if (content == null) {
            throw new IllegalStateException(tarball + " has no " + name + " (entries: " + archive.keySet() + ")");
        }
        return content;
    }

    private interface EntryConsumer {
        void accept(Entry entry, InputStream content) throws IOException;
    }

    /** Reads a ustar/PAX/GNU tar stream: enough of the format for what Jib and GNU tar write. */
    private static void readTar(InputStream in, EntryConsumer consumer) throws IOException {
        byte[] header = new byte[BLOCK];
        String longName = null;
        while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
            char type = header[156] == 0 ? '0' : (char) header[156];
            long size = octal(header, 124, 12);
            byte[] content = in.readNBytes((int) size);
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            if (type == 'x' || type == 'L') { // PAX extended header or GNU long name: names the next entry
                longName = type == 'L' ? cString(content, 0, content.length) : paxPath(content);
                continue;
            }
            if (type == 'g') {
                continue;
            }
            String name = longName != null ? longName : ustarName(header);
            longName = null;
            String path = name.replaceFirst("^(\\./|/)+", "").replaceFirst("/$", "");
            if (path.isEmpty() || path.equals(".")) {
                continue;
            }
            consumer.accept(new Entry(path, (int) octal(header, 100, 8), type), new ByteArrayInputStream(content));
        }
    }

    private static String ustarName(byte[] header) {
        String name = cString(header, 0, 100);
        String prefix = cString(header, 345, 155);
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(byte[] records) {
        String text = new String(records, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] bytes, int offset, int length) {
        String text = cString(bytes, offset, length).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }
}
