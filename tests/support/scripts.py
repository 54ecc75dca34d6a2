"""One short work in each script the archive publishes in, for the tests of every script's
editions (tests/test_scripts.py): its language, title, author and two paragraphs with
emphasis, strong emphasis, a footnote, and a number and a Latin name inside the text (which a
right-to-left book must keep reading left to right)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    slug: str
    language: str
    title: str
    author: str
    paragraphs: tuple[str, str]
    note: str
    rtl: bool = False

    def words(self) -> list[str]:
        """The running text's words as a reader sees them (markup removed)."""
        return " ".join(self.paragraphs).replace("*", "").split()


SAMPLES = (
    Sample(
        "russian",
        "ru",
        "Три источника",
        "В. И. Ленин",
        (
            "Учение *Маркса* вызывает к себе во всем **цивилизованном** мире величайшую вражду.",
            "В 1913 году Karl Kautsky писал об этом.",
        ),
        "Примечание *курсивом*.",
    ),
    Sample(
        "chinese-simplified",
        "zh-Hans",
        "三个来源",
        "列宁",
        (
            "马克思的学说在全世界的*文明*国家中，引起了**资产阶级**全部科学的最大的仇视和憎恨。",
            "一九一三年，Karl Kautsky写道：“这是一个问题。”",
        ),
        "注释，*强调*。",
    ),
    Sample(
        "chinese-traditional",
        "zh-Hant",
        "三個來源",
        "列寧",
        (
            "馬克思的學說在全世界的*文明*國家中，引起了**資產階級**全部科學的最大的仇視和憎恨。",
            "一九一三年，Karl Kautsky寫道：「這是一個問題。」",
        ),
        "註釋，*強調*。",
    ),
    Sample(
        "japanese",
        "ja",
        "三つの源泉",
        "レーニン",
        (
            "マルクスの学説は、全*文明*世界で、**ブルジョア**科学の最大の敵意と憎悪をよびおこしている。",
            "一九一三年に、Karl Kautskyは「これは問題だ」と書いた。",
        ),
        "注、*強調*。",
    ),
    Sample(
        "arabic",
        "ar",
        "ثلاثة مصادر",
        "لينين",
        ("تثير تعاليم *ماركس* في العالم **المتمدن** كله أشد العداء والكره.", "في عام 1913 كتب Karl Kautsky عن ذلك."),
        "حاشية *مائلة*.",
        rtl=True,
    ),
    Sample(
        "persian",
        "fa",
        "سه منبع",
        "لنین",
        ("آموزش *مارکس* در سراسر جهان **متمدن** دشمنی بزرگی برمی‌انگیزد.", "در سال 1913 Karl Kautsky درباره‌ی آن نوشت."),
        "یادداشت *مایل*.",
        rtl=True,
    ),
    Sample(
        "hebrew",
        "he",
        "שלושה מקורות",
        "לנין",
        ("תורת *מרקס* מעוררת בכל העולם **המתורבת** איבה עזה.", "בשנת 1913 כתב Karl Kautsky על כך."),
        "הערה *מודגשת*.",
        rtl=True,
    ),
    Sample(
        "greek",
        "grc",
        "Περὶ ποιητικῆς",
        "Ἀριστοτέλης",
        ("Περὶ *ποιητικῆς* αὐτῆς τε καὶ τῶν **εἰδῶν** αὐτῆς λέγωμεν.", "Ἐν τῷ ἔτει 1913 ὁ Karl Kautsky ἔγραψεν."),
        "Σημείωσις *πλαγία*.",
    ),
    Sample(
        "hindi",
        "hi",
        "तीन स्रोत",
        "लेनिन",
        ("मार्क्स की *शिक्षा* सारे **सभ्य** संसार में सबसे बड़ी शत्रुता जगाती है।", "सन 1913 में Karl Kautsky ने इसके बारे में लिखा।"),
        "टिप्पणी *ज़ोर*।",
    ),
)


def write_sample(sample: Sample, folder: Path, number: int) -> Path:
    """The sample as a source folder, as docs/authoring.md says to write one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "work.toml").write_text(
        f'title = "{sample.title}"\nauthor = "{sample.author}"\nauthor-sort = "{sample.author}"\n'
        f'language = "{sample.language}"\nidentifier = "urn:uuid:00000000-0000-4000-8000-{number:012d}"\n'
        'parts = ["text.md"]\n\n[archive]\nname = "Marxists Internet Archive"\n\n[rights]\nstatus = "public-domain"\n',
        encoding="utf-8",
    )
    first, second = sample.paragraphs
    (folder / "text.md").write_text(
        f"# {sample.title}\n\n{broken_line(first)}[^1]\n\n{second}\n\n[^1]: {sample.note}\n", encoding="utf-8"
    )
    return folder


def broken_line(paragraph: str) -> str:
    """The paragraph as a source line broken in its middle: at a space, or, in a script with no
    spaces, between two characters (outside its emphasis)."""
    middle = len(paragraph) // 2
    if " " in paragraph:
        at = min((i for i, c in enumerate(paragraph) if c == " "), key=lambda i: abs(i - middle))
        return paragraph[:at] + "\n" + paragraph[at + 1 :]
    at = next(
        i
        for i in range(middle, len(paragraph))
        if paragraph[i - 1] != "*" and paragraph[i] != "*" and paragraph[:i].count("*") % 2 == 0
    )
    return paragraph[:at] + "\n" + paragraph[at:]


# The scripts of the archive's smaller sections and of the languages beside them, each with the
# face it is set in (styles/typefaces.toml): built together in one work by tests/test_scripts.py.
MORE_SAMPLES = (
    Sample(
        "bengali",
        "bn",
        "তিনটি উৎস",
        "লেনিন",
        ("মার্কসের *শিক্ষা* সমগ্র **সভ্য** জগতে সবচেয়ে বড় শত্রুতা জাগিয়ে তোলে।", "1913 সালে Karl Kautsky এ বিষয়ে লিখেছিলেন।"),
        "টীকা *জোর*।",
    ),
    Sample(
        "tamil",
        "ta",
        "மூன்று மூலங்கள்",
        "லெனின்",
        (
            "மார்க்சின் *போதனை* நாகரிக **உலகம்** முழுவதிலும் பெரும் பகைமையைத் தூண்டுகிறது.",
            "1913 ஆம் ஆண்டில் Karl Kautsky இதைப் பற்றி எழுதினார்.",
        ),
        "குறிப்பு *அழுத்தம்*.",
    ),
    Sample(
        "malayalam",
        "ml",
        "മൂന്ന് ഉറവിടങ്ങൾ",
        "ലെനിൻ",
        (
            "മാർക്സിന്റെ *സിദ്ധാന്തം* **പരിഷ്കൃത** ലോകത്തെങ്ങും വലിയ ശത്രുത ഉണർത്തുന്നു.",
            "1913 ൽ Karl Kautsky ഇതിനെക്കുറിച്ച് എഴുതി.",
        ),
        "കുറിപ്പ് *ഊന്നൽ*.",
    ),
    Sample(
        "sinhala",
        "si",
        "මූලාශ්\u200dර තුන",
        "ලෙනින්",
        ("මාක්ස්ගේ *ඉගැන්වීම* **ශිෂ්ට** ලෝකය පුරා මහත් සතුරුකමක් ඇති කරයි.", "1913 දී Karl Kautsky ඒ ගැන ලිවීය."),
        "සටහන *අවධාරණය*.",
    ),
    Sample(
        "telugu",
        "te",
        "మూడు మూలాలు",
        "లెనిన్",
        (
            "మార్క్స్ *బోధన* **నాగరిక** ప్రపంచమంతటా గొప్ప శత్రుత్వాన్ని రేకెత్తిస్తుంది.",
            "1913 లో Karl Kautsky దీని గురించి రాశాడు.",
        ),
        "గమనిక *ఒత్తిడి*.",
    ),
    Sample(
        "gujarati",
        "gu",
        "ત્રણ સ્ત્રોત",
        "લેનિન",
        ("માર્ક્સનું *શિક્ષણ* સમગ્ર **સભ્ય** જગતમાં સૌથી મોટી દુશ્મનાવટ જગાવે છે.", "1913 માં Karl Kautsky એ આ વિશે લખ્યું."),
        "ટિપ્પણી *ભાર*.",
    ),
    Sample(
        "punjabi",
        "pa",
        "ਤਿੰਨ ਸਰੋਤ",
        "ਲੈਨਿਨ",
        (
            "ਮਾਰਕਸ ਦੀ *ਸਿੱਖਿਆ* ਸਾਰੇ **ਸੱਭਿਅ** ਸੰਸਾਰ ਵਿੱਚ ਸਭ ਤੋਂ ਵੱਡੀ ਦੁਸ਼ਮਣੀ ਜਗਾਉਂਦੀ ਹੈ।",
            "1913 ਵਿੱਚ Karl Kautsky ਨੇ ਇਸ ਬਾਰੇ ਲਿਖਿਆ।",
        ),
        "ਟਿੱਪਣੀ *ਜ਼ੋਰ*।",
    ),
    Sample(
        "thai",
        "th",
        "สามแหล่งที่มา",
        "เลนิน",
        (
            "คำสอนของ*มาร์กซ์*ปลุกความเป็นศัตรูอย่างใหญ่หลวง ในโลก**อารยะ**ทั้งมวลของชนชั้นกรรมาชีพและนายทุน",
            "ในปี 1913 Karl Kautsky ได้เขียนเรื่องนี้",
        ),
        "หมายเหตุ *เน้น*",
    ),
    Sample(
        "armenian",
        "hy",
        "Երեք աղբյուր",
        "Լենին",
        (
            "Մարքսի *ուսմունքը* ամբողջ **քաղաքակիրթ** աշխարհում մեծագույն թշնամանք է առաջացնում։",
            "1913 թվականին Karl Kautsky գրեց այդ մասին։",
        ),
        "Ծանոթագրություն *շեշտ*։",
    ),
    Sample(
        "georgian",
        "ka",
        "სამი წყარო",
        "ლენინი",
        (
            "მარქსის *მოძღვრება* მთელ **ცივილიზებულ** მსოფლიოში უდიდეს მტრობას იწვევს.",
            "1913 წელს Karl Kautsky ამის შესახებ წერდა.",
        ),
        "შენიშვნა *ხაზგასმა*.",
    ),
    Sample(
        "amharic",
        "am",
        "ሦስት ምንጮች",
        "ሌኒን",
        ("የማርክስ *ትምህርት* በመላው **የሠለጠነ** ዓለም ታላቅ ጠላትነትን ያስነሳል።", "በ 1913 Karl Kautsky ስለዚህ ጻፈ።"),
        "ማስታወሻ *አጽንዖት*።",
    ),
)
