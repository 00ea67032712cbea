// Dumps Morfologik's Polish dictionary (polish.dict inside morfologik-polish.jar) as
// "form<TAB>lemma<TAB>tag" lines, one per dictionary entry, for build-polish-dictionary to
// compile. The analyser keeps every lemma of a form whatever its reading, but the compiler
// needs the tags to see which entries are gerunds (it adds their plurals, which PoliMorf
// lists only in the singular) and which are names.
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;

import morfologik.stemming.Dictionary;
import morfologik.stemming.DictionaryLookup;
import morfologik.stemming.WordData;
import morfologik.stemming.polish.PolishStemmer;

public class DumpMorfologik {
    public static void main(String[] args) throws Exception {
        Dictionary dictionary = Dictionary.read(
                PolishStemmer.class.getResource("/morfologik/stemming/polish/polish.dict"));
        long entries = 0;
        try (BufferedWriter out = new BufferedWriter(
                new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 20)) {
            for (WordData entry : new DictionaryLookup(dictionary)) {
                CharSequence tag = entry.getTag();
                out.append(entry.getWord()).append('\t').append(entry.getStem()).append('\t')
                        .append(tag == null ? "" : tag).append('\n');
                entries++;
            }
        }
        System.err.println("DumpMorfologik: " + entries + " entries");
    }
}
