// EPUBCheck for many books in one Java VM. EPUBCheck's own command line checks one book a
// run, and most of a run (about 9 s of CPU) is the VM starting and its schemas compiling;
// a book after the first takes about half a second (w3c/epubcheck#664 asks for a batch mode).
//
//   java -cp epubcheck.jar EpubcheckService.java
// Prints "ready"; then for each line "BOOK<TAB>REPORT" on its input (both paths percent-encoded,
// so that a name holding a tab or a line break cannot split a job) writes EPUBCheck's JSON
// report on BOOK to the file REPORT, exactly as `epubcheck BOOK --json REPORT` does, and
// prints "done" (or "failed <why>"), one line a job. Ends at the end of its input.
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.reporting.CheckingReport;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

public class EpubcheckService {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter answer = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        answer.println("ready");
        for (String line; (line = in.readLine()) != null; ) {
            String[] job = line.split("\t", -1);
            if (job.length != 2) {
                answer.println("failed not a BOOK<TAB>REPORT line");
                continue;
            }
            String book = URLDecoder.decode(job[0], StandardCharsets.UTF_8);
            try (PrintWriter out = new PrintWriter(URLDecoder.decode(job[1], StandardCharsets.UTF_8), StandardCharsets.UTF_8)) {
                CheckingReport report = new CheckingReport(out, book);
                report.initialize();
                new EpubCheck(new File(book), report).check();
                report.generate();
                answer.println("done");
            } catch (Exception | StackOverflowError error) {
                answer.println(("failed " + error).replace('\n', ' '));
            }
        }
    }
}
