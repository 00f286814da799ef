package dev.casey.mailgateway.cases;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether the bytes of a file may show someone one of a set of addresses: they hold one, spelled in any case (ASCII)
 * and as written, in UTF-8 or UTF-16 (either byte order), plainly, percent-encoded, as an HTML character reference
 * or with a quoted local part; or they are packed so that an address inside cannot be seen (zip-based documents and
 * archives, PDF, compressed and archive formats). Packed files are not unpacked: their contents (a document's
 * properties, a signature) often name their author, and a bounded, zip-bomb-safe reader of every such format would
 * cost more than listing such a file instead of attaching it.
 * <p>
 * The bytes are fed part by part, as they are read; an address across two parts is found all the same. All addresses
 * are looked for at once (Aho-Corasick), so a file is read once, however large the team.
 */
final class AddressesInBytes {

    /** How '@' is written besides itself: in a link, a link wrapped once more, and HTML. */
    private static final List<String> AT_SIGNS = List.of("@", "%40", "%2540", "&#64;", "&#x40;", "&commat;");
    private static final List<Charset> CHARSETS = List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE,
            StandardCharsets.UTF_16BE);
    /** A zip (a document, an archive) or PDF inside another file, as in an OLE document or an uncompressed tar. */
    private static final List<byte[]> PACKED_ANYWHERE = List.of(new byte[] {'P', 'K', 3, 4}, bytes("%PDF-"));
    /** Where files are recognised as packed by how they start. */
    private static final int HEAD = 1024;
    /** Packed formats without a signature to know them by: only their names tell. */
    private static final Pattern PACKED_NAMES = Pattern.compile(".*\\.(?:br|zz|deflate)\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final Automaton automaton;

    private AddressesInBytes(Automaton automaton) {
        this.automaton = automaton;
    }

    static AddressesInBytes of(Collection<String> addresses) {
        List<byte[]> patterns = new ArrayList<>(PACKED_ANYWHERE);
        for (String address : addresses) {
            for (String spelling : spellings(address)) {
                for (Charset charset : CHARSETS) {
                    patterns.add(spelling.getBytes(charset));
                }
            }
        }
        return new AddressesInBytes(new Automaton(patterns));
    }

    /** A scan of one file, named so (nullable). */
    Scan scan(String filename) {
        return new Scan(filename != null && PACKED_NAMES.matcher(filename).matches());
    }

    /**
     * The address as written, in lower and in upper case (ASCII case is ignored anyway: these cover other letters),
     * each with '@' spelled in every way and its local part bare or quoted.
     */
    private static Set<String> spellings(String address) {
        Set<String> spellings = new LinkedHashSet<>();
        for (String cased : List.of(address, address.toLowerCase(Locale.ROOT), address.toUpperCase(Locale.ROOT))) {
            int at = cased.lastIndexOf('@');
            if (at < 0) {
                spellings.add(cased);
                continue;
            }
            String local = cased.substring(0, at);
            String domain = cased.substring(at + 1);
            for (String sign : AT_SIGNS) {
                spellings.add(local + sign + domain);
                spellings.add('"' + local + '"' + sign + domain);
            }
        }
        return spellings;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the file begins the way a packed format does. */
    static boolean packed(byte[] head, int length) {
        return startsWith(head, length, 0, 'P', 'K', 3, 4) || startsWith(head, length, 0, 'P', 'K', 5, 6)
                || startsWith(head, length, 0, 'P', 'K', 7, 8)
                || startsWith(head, length, 0, 0x1F, 0x8B) // gzip
                || startsWith(head, length, 0, 0x1F, 0x9D) // compress (.Z)
                || startsWith(head, length, 0, 'B', 'Z', 'h') // bzip2
                || startsWith(head, length, 0, 0xFD, '7', 'z', 'X', 'Z', 0) // xz
                || startsWith(head, length, 0, 0x5D, 0, 0) // lzma
                || startsWith(head, length, 0, 'L', 'Z', 'I', 'P')
                || startsWith(head, length, 0, 0x04, 0x22, 0x4D, 0x18) // lz4
                || startsWith(head, length, 0, 0x28, 0xB5, 0x2F, 0xFD) // zstd
                || startsWith(head, length, 0, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)
                || startsWith(head, length, 0, 'R', 'a', 'r', '!', 0x1A, 0x07)
                || startsWith(head, length, 0, 'M', 'S', 'C', 'F') // cabinet
                || startsWith(head, length, 0, 'I', 'T', 'S', 'F') // compiled HTML help
                || startsWith(head, length, 0, 'x', 0x01) || startsWith(head, length, 0, 'x', 0x9C)
                || startsWith(head, length, 0, 'x', 0xDA) // zlib
                || startsWith(head, length, 257, 'u', 's', 't', 'a', 'r') // tar: its files may be packed
                || startsWith(head, length, 0, '!', '<', 'a', 'r', 'c', 'h', '>', '\n')
                || startsWith(head, length, 0, '0', '7', '0', '7', '0', '1')
                || startsWith(head, length, 0, '0', '7', '0', '7', '0', '2')
                || startsWith(head, length, 0, '0', '7', '0', '7', '0', '7')
                || startsWith(head, length, 0, 0xC7, 0x71) || startsWith(head, length, 0, 0x71, 0xC7) // cpio
                // a PDF may begin after up to 1 KiB of anything; its streams are mostly compressed
                || indexOf(head, length, bytes("%PDF-")) >= 0;
    }

    private static boolean startsWith(byte[] head, int length, int at, int... signature) {
        if (length < at + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((head[at + i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] head, int length, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (head[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** One file read through, part by part. */
    final class Scan {
        private final byte[] head = new byte[HEAD];
        private int headLength;
        private int state;
        private boolean found;

        private Scan(boolean packedByName) {
            found = packedByName;
        }

        /** Takes the next part of the file; true once it may show an address (and from then on). */
        boolean mayShow(byte[] part) {
            if (found) {
                return true;
            }
            if (headLength < HEAD) {
                int n = Math.min(HEAD - headLength, part.length);
                System.arraycopy(part, 0, head, headLength, n);
                headLength += n;
            }
            state = automaton.run(state, part);
            found = state < 0;
            return found;
        }

        /** Whether the file, read to its end, may show an address. */
        boolean mayShow() {
            return found || packed(head, headLength);
        }
    }

    /**
     * Aho-Corasick over bytes with ASCII letters folded to lower case: the root's transitions in a table (most bytes
     * of a file lead back to it), every other node's in a short list.
     */
    private static final class Automaton {
        private final int[] fromRoot = new int[256];
        private final byte[][] labels;
        private final int[][] targets;
        private final int[] fail;
        private final boolean[] end;

        Automaton(List<byte[]> patterns) {
            List<byte[]> nodeLabels = new ArrayList<>();
            List<int[]> nodeTargets = new ArrayList<>();
            List<Boolean> ends = new ArrayList<>();
            nodeLabels.add(new byte[0]);
            nodeTargets.add(new int[0]);
            ends.add(false);
            for (byte[] pattern : patterns) {
                int node = 0;
                for (byte raw : pattern) {
                    byte b = fold(raw);
                    int next = child(nodeLabels.get(node), nodeTargets.get(node), b);
                    if (next < 0) {
                        next = nodeLabels.size();
                        nodeLabels.add(new byte[0]);
                        nodeTargets.add(new int[0]);
                        ends.add(false);
                        byte[] l = Arrays.copyOf(nodeLabels.get(node), nodeLabels.get(node).length + 1);
                        int[] t = Arrays.copyOf(nodeTargets.get(node), nodeTargets.get(node).length + 1);
                        l[l.length - 1] = b;
                        t[t.length - 1] = next;
                        nodeLabels.set(node, l);
                        nodeTargets.set(node, t);
                    }
                    node = next;
                }
                ends.set(node, true);
            }
            labels = nodeLabels.toArray(byte[][]::new);
            targets = nodeTargets.toArray(int[][]::new);
            end = new boolean[labels.length];
            for (int i = 0; i < end.length; i++) {
                end[i] = ends.get(i);
            }
            fail = new int[labels.length];
            for (int i = 0; i < labels[0].length; i++) {
                fromRoot[labels[0][i] & 0xFF] = targets[0][i];
            }
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int child : targets[0]) {
                queue.add(child);
            }
            while (!queue.isEmpty()) {
                int node = queue.poll();
                for (int i = 0; i < labels[node].length; i++) {
                    int child = targets[node][i];
                    fail[child] = step(fail[node], labels[node][i]);
                    end[child] |= end[fail[child]];
                    queue.add(child);
                }
            }
        }

        /** The state after the bytes, starting from {@code state}; negative once a pattern was seen. */
        int run(int state, byte[] bytes) {
            for (byte raw : bytes) {
                state = step(state, fold(raw));
                if (end[state]) {
                    return -1;
                }
            }
            return state;
        }

        private int step(int state, byte b) {
            while (state != 0) {
                int next = child(labels[state], targets[state], b);
                if (next >= 0) {
                    return next;
                }
                state = fail[state];
            }
            return fromRoot[b & 0xFF];
        }

        private static int child(byte[] labels, int[] targets, byte b) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == b) {
                    return targets[i];
                }
            }
            return -1;
        }

        private static byte fold(byte b) {
            return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
        }
    }
}
