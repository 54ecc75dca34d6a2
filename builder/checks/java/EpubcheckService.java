// EPUBCheck for many books in one Java VM. EPUBCheck's own command line checks one book a
// run, and most of a run (about 9 s of CPU) is the VM starting and its schemas compiling;
// a book after the first takes about half a second (w3c/epubcheck#664 asks for a batch mode).
//
//   java -cp epubcheck.jar EpubcheckService.java
// Prints "ready"; then for each line "BOOK<TAB>REPORT" on its input writes EPUBCheck's JSON
// report on BOOK to the file REPORT, exactly as `epubcheck BOOK --json REPORT` does, and
// prints "done" (or "failed <why>"). Ends at the end of its input.
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.reporting.CheckingReport;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

public class EpubcheckService {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter answer = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        answer.println("ready");
        for (String line; (line = in.readLine()) != null; ) {
            String[] job = line.split("\t", 2);
            if (job.length != 2) {
                answer.println("failed not a BOOK<TAB>REPORT line");
                continue;
            }
            try (PrintWriter out = new PrintWriter(job[1], StandardCharsets.UTF_8)) {
                CheckingReport report = new CheckingReport(out, job[0]);
                report.initialize();
                new EpubCheck(new File(job[0]), report).check();
                report.generate();
                answer.println("done");
            } catch (Exception | StackOverflowError error) {
                answer.println(("failed " + error).replace('\n', ' '));
            }
        }
    }
}
