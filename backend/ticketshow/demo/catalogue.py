"""The demo catalogue's data: theatres in six Indian cities and thirty shows, in English and in the local
scripts (Hindi, Tamil, Kannada, Bengali). Every venue and title is invented.

A theatre's name and place are stored bilingual ("Ranga Mandira · ರಂಗ ಮಂದಿರ"): both halves are found by
the place and name searches. The loader reads only what is here; tests compare the API's answers with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SEPARATOR = " · "


@dataclass(frozen=True)
class DemoTheatre:
    english: str
    local: str
    city: str
    local_city: str
    address: str
    caption: str
    description: str
    capacity: int
    price_factor: Decimal  # applied to a show's ticket price: the theatre's own prices
    languages: tuple[str, ...]  # languages of the shows it programmes (English plays everywhere)

    @property
    def name(self) -> str:
        return f"{self.english}{SEPARATOR}{self.local}"

    @property
    def place(self) -> str:
        return f"{self.city}{SEPARATOR}{self.local_city}"


@dataclass(frozen=True)
class DemoShow:
    name: str
    caption: str
    description: str
    tags: tuple[str, ...]
    language: str
    ticket_price: Decimal
    duration_minutes: int
    rating: float  # the admin's rating, 0-5; users' ratings are separate


D = Decimal

THEATRES: tuple[DemoTheatre, ...] = (
    DemoTheatre(
        "Rangmanch Playhouse",
        "रंगमंच प्लेहाउस",
        "Mumbai",
        "मुंबई",
        "14 Juhu Church Road, Juhu, Mumbai 400049",
        "A neighbourhood stage by the sea",
        "A warm 220-seat proscenium theatre with a café in the "
        "courtyard, known for new Hindi and English plays and Sunday morning shows for children.",
        220,
        D("1.20"),
        ("Hindi",),
    ),
    DemoTheatre(
        "Sitara Talkies",
        "सितारा टॉकीज़",
        "Mumbai",
        "मुंबई",
        "Lamington Road, Grant Road East, Mumbai 400007",
        "Art-deco cinema, restored",
        "A 1930s single-screen picture palace with its original "
        "balcony, now showing premieres, concerts and late-night thrillers.",
        320,
        D("1.10"),
        ("Hindi",),
    ),
    DemoTheatre(
        "Yamuna Auditorium",
        "यमुना ऑडिटोरियम",
        "New Delhi",
        "नई दिल्ली",
        "3 Copernicus Marg, Mandi House, New Delhi 110001",
        "Concerts and big productions at Mandi House",
        "Four hundred seats, a deep stage and some of the best acoustics in the capital.",
        400,
        D("1.25"),
        ("Hindi",),
    ),
    DemoTheatre(
        "Hawa Mahal Rangshala",
        "हवा महल रंगशाला",
        "Jaipur",
        "जयपुर",
        "Badi Chaupar, Pink City, Jaipur 302002",
        "Theatre under painted arches",
        "A courtyard theatre in the old city: folk music, puppetry and family shows on cool evenings.",
        180,
        D("0.85"),
        ("Hindi",),
    ),
    DemoTheatre(
        "Marina Kalai Arangam",
        "மெரினா கலை அரங்கம்",
        "Chennai",
        "சென்னை",
        "Kamarajar Salai, Triplicane, Chennai 600005",
        "Where the sea breeze meets the stage",
        "Chennai's big hall for music season concerts, Tamil comedy and new films.",
        300,
        D("1.00"),
        ("Tamil",),
    ),
    DemoTheatre(
        "Mylapore Sabha",
        "மயிலாப்பூர் சபா",
        "Chennai",
        "சென்னை",
        "11 East Mada Street, Mylapore, Chennai 600004",
        "A sabha of the old school",
        "An intimate 150-seat hall near the temple tank, loved for "
        "Tamil drama, kutcheris and filter coffee at the interval.",
        150,
        D("0.90"),
        ("Tamil",),
    ),
    DemoTheatre(
        "Vaigai Theatre",
        "வைகை திரையரங்கம்",
        "Madurai",
        "மதுரை",
        "West Masi Street, Madurai 625001",
        "Big screen, bigger crowds",
        "A lively cinema on the Masi streets, with first-day-first-show energy every week.",
        260,
        D("0.75"),
        ("Tamil",),
    ),
    DemoTheatre(
        "Ranga Mandira",
        "ರಂಗ ಮಂದಿರ",
        "Bengaluru",
        "ಬೆಂಗಳೂರು",
        "8th Cross, Jayanagar 2nd Block, Bengaluru 560011",
        "Kannada and English theatre, every night",
        "A 240-seat theatre with a famously "
        "punctual curtain and a stage that has seen Kannada classics and new writing alike.",
        240,
        D("1.05"),
        ("Kannada",),
    ),
    DemoTheatre(
        "Cubbon Black Box",
        "ಕಬ್ಬನ್ ಬ್ಲ್ಯಾಕ್ ಬಾಕ್ಸ್",
        "Bengaluru",
        "ಬೆಂಗಳೂರು",
        "Kasturba Road, near Cubbon Park, Bengaluru 560001",
        "Forty-eight seats, no bad one",
        "A tiny black-box studio for stand-up, open mics and experimental theatre. It sells out fast.",
        48,
        D("1.30"),
        ("Kannada",),
    ),
    DemoTheatre(
        "Chamundi Kalamandira",
        "ಚಾಮುಂಡಿ ಕಲಾಮಂದಿರ",
        "Mysuru",
        "ಮೈಸೂರು",
        "Vinoba Road, Mysuru 570005",
        "Heritage hall below the hill",
        "Mysuru's arts hall hosts music, Yakshagana-inspired family shows and touring productions.",
        200,
        D("0.80"),
        ("Kannada",),
    ),
    DemoTheatre(
        "Hooghly Natyashala",
        "হুগলি নাট্যশালা",
        "Kolkata",
        "কলকাতা",
        "Strand Road, BBD Bagh, Kolkata 700001",
        "Riverside stage, grand old house",
        "A grand riverside theatre for Bengali group theatre, Rabindrasangeet evenings and detective thrillers.",
        280,
        D("0.95"),
        ("Bengali",),
    ),
    DemoTheatre(
        "College Street Cine Club",
        "কলেজ স্ট্রিট সিনে ক্লাব",
        "Kolkata",
        "কলকাতা",
        "College Street, Boipara, Kolkata 700073",
        "Films and talk among the bookshops",
        "A 120-seat film club above a bookshop: screenings, adda after the show and the occasional concert.",
        120,
        D("0.70"),
        ("Bengali",),
    ),
)

SHOWS: tuple[DemoShow, ...] = (
    DemoShow(
        "The Last Local to Churchgate",
        "One train, one night, one secret nobody wants to keep.",
        "A gripping chamber thriller set on the last suburban train of the night, as seven strangers "
        "realise one of them is not who they claim to be.",
        ("thriller", "drama"),
        "English",
        D("350"),
        125,
        4.4,
    ),
    DemoShow(
        "Chai & Chaos",
        "Stand-up about families, traffic and the perfect cup.",
        "An hour of sharp, warm stand-up about growing up in a joint family, surviving the morning "
        "commute and arguing about how much sugar is too much.",
        ("stand-up", "comedy"),
        "English",
        D("299"),
        75,
        4.2,
    ),
    DemoShow(
        "Rhythm of the Ghats",
        "Percussion from the Western Ghats to the big stage.",
        "Chenda, mridangam, dhol and a drum kit trade rhythms in a concert that starts as a "
        "whisper and ends with the whole hall clapping along.",
        ("music",),
        "Instrumental",
        D("450"),
        110,
        4.6,
    ),
    DemoShow(
        "Jungle Jamboree",
        "Sing-along animal adventures for little ones.",
        "A monkey, a peacock and a very polite tiger set off to find the lost monsoon — with songs "
        "the children learn by the second chorus.",
        ("kids", "family", "music"),
        "English",
        D("199"),
        60,
        4.0,
    ),
    DemoShow(
        "Midnight at Marine Drive",
        "Two old friends, one long walk, and the sea.",
        "A bittersweet romance told over a single night's walk along the Queen's Necklace, as two "
        "friends finally say what they left unsaid for twenty years.",
        ("romance", "drama"),
        "English",
        D("320"),
        105,
        4.3,
    ),
    DemoShow(
        "Silent Signal",
        "The network is down. The clock is not.",
        "A cyber-heist thriller in which a signal engineer has ninety minutes to find out who has "
        "taken a city's phones hostage.",
        ("thriller", "action"),
        "English",
        D("380"),
        130,
        3.9,
    ),
    DemoShow(
        "Kites Over Jaipur",
        "A Makar Sankranti family reunion, with string attached.",
        "Three generations, one rooftop and a kite-flying rivalry that has lasted forty years: a "
        "gentle family drama full of laughter.",
        ("family", "drama", "comedy"),
        "English",
        D("250"),
        115,
        4.1,
    ),
    DemoShow(
        "The Great Dosa Heist",
        "The recipe is priceless. The plan is ridiculous.",
        "A caper comedy about a band of retired cooks who plan to steal back their grandmother's "
        "secret batter recipe from a celebrity chef.",
        ("comedy", "action", "family"),
        "English",
        D("280"),
        120,
        4.0,
    ),
    DemoShow(
        "Ragas After Dark",
        "Late-night Hindustani and Carnatic jugalbandi.",
        "A sitar and a veena meet after ten, with tabla and ghatam, for an unhurried conversation "
        "between two traditions.",
        ("music",),
        "Instrumental",
        D("500"),
        150,
        4.7,
    ),
    DemoShow(
        "Open Mic Night: Bengaluru Edition",
        "Eight comics, five minutes each, no safety net.",
        "Fresh voices from the city's comedy scene try out new material. Some of it will be "
        "brilliant. All of it will be brave.",
        ("stand-up", "comedy"),
        "English",
        D("199"),
        90,
        3.8,
    ),
    DemoShow(
        "Velocity",
        "A stunt spectacular on two wheels.",
        "Motorbike chases, rooftop jumps and a hero who never takes the stairs: an all-out action "
        "film made for the biggest screen you can find.",
        ("action", "thriller"),
        "Hindi",
        D("260"),
        145,
        3.7,
    ),
    DemoShow(
        "Grandma's Radio",
        "She heard the whole century on it.",
        "A valve radio, a family's history and a grandmother who remembers every song: a tender "
        "play about memory and music.",
        ("drama", "family", "music"),
        "English",
        D("300"),
        100,
        4.5,
    ),
    DemoShow(
        "Puppets of Rajasthan",
        "Kathputli tales, old and new.",
        "Master puppeteers bring Amar Singh Rathore, a clever camel and a very modern robot to the "
        "same stage, with live music.",
        ("kids", "family"),
        "Hindi",
        D("180"),
        70,
        4.3,
    ),
    DemoShow(
        "Letters from Darjeeling",
        "A love story told in tea-stained letters.",
        "Decades of letters between a tea-estate doctor and a Calcutta schoolteacher, read and "
        "played out against the mist of the hills.",
        ("romance", "drama"),
        "English",
        D("300"),
        110,
        4.2,
    ),
    DemoShow(
        "Code Red at Platform 9",
        "A station, a bomb threat, and one honest constable.",
        "A real-time action thriller at a crowded railway station, where a junior constable is the "
        "only one who believes the threat is real.",
        ("action", "thriller"),
        "Hindi",
        D("280"),
        135,
        3.8,
    ),
    DemoShow(
        "Spice Route Symphony",
        "An orchestra sails from Kochi to Zanzibar.",
        "A symphonic journey along the old spice route, with oud, nadaswaram and strings — and a "
        "storyteller for the youngest listeners.",
        ("music", "family"),
        "Instrumental",
        D("420"),
        95,
        4.4,
    ),
    DemoShow(
        "The Accidental Astrologer",
        "He predicted her wedding. Now he is the groom.",
        "A romantic comedy about a fake astrologer whose one lucky guess puts him at the centre of "
        "the wedding of the season.",
        ("comedy", "romance"),
        "English",
        D("270"),
        125,
        3.6,
    ),
    DemoShow(
        "Monkey King and the Moon",
        "Can a monkey really catch the moon?",
        "A playful retelling of an old tale with shadow puppets, bubbles and a moon that floats over the audience.",
        ("kids", "family"),
        "English",
        D("160"),
        55,
        4.1,
    ),
    DemoShow(
        "चाँदनी रात का सफ़र",
        "Chandni Raat Ka Safar — a moonlit train journey.",
        "Two strangers share a compartment on the overnight train from Delhi to Lucknow, and a "
        "conversation that changes both their lives.",
        ("romance", "drama"),
        "Hindi",
        D("300"),
        120,
        4.2,
    ),
    DemoShow(
        "आख़िरी ट्रेन",
        "Aakhri Train — the last train does not stop.",
        "A Hindi thriller in which the last train out of a hill station keeps going past every "
        "station, and the passengers must find out why.",
        ("thriller", "action"),
        "Hindi",
        D("320"),
        130,
        4.0,
    ),
    DemoShow(
        "हँसी के ठहाके",
        "Hansi Ke Thahake — an evening of roaring laughter.",
        "Four Hindi stand-up comics on weddings, WhatsApp uncles and the art of bargaining.",
        ("stand-up", "comedy"),
        "Hindi",
        D("250"),
        90,
        4.1,
    ),
    DemoShow(
        "बादल और बाँसुरी",
        "Badal Aur Bansuri — clouds and the flute.",
        "Monsoon ragas on the bansuri, from Megh to Miyan ki Malhar, with tabla and santoor.",
        ("music",),
        "Hindi",
        D("400"),
        100,
        4.6,
    ),
    DemoShow(
        "மழைக்காலம்",
        "Mazhaikaalam — love in the rainy season.",
        "A Tamil romance set over one monsoon in a seaside town, where a librarian and a fisherman "
        "keep meeting under the same leaking roof.",
        ("romance", "drama"),
        "Tamil",
        D("220"),
        140,
        4.3,
    ),
    DemoShow(
        "இரவுப் பயணம்",
        "Iravu Payanam — a night journey with no return ticket.",
        "A taut Tamil thriller about a taxi driver who picks up the wrong passenger on the road "
        "from Madurai to Chennai.",
        ("thriller", "action"),
        "Tamil",
        D("240"),
        135,
        4.0,
    ),
    DemoShow(
        "சிரிப்பு ராஜா",
        "Sirippu Raja — the king of laughs holds court.",
        "Tamil stand-up on cinema fans, temple festivals and the eternal filter-coffee debate.",
        ("stand-up", "comedy"),
        "Tamil",
        D("199"),
        80,
        4.2,
    ),
    DemoShow(
        "குட்டி யானை",
        "Kutti Yaanai — the little elephant who lost her bell.",
        "A Tamil musical for children about a baby elephant, a lost temple bell and the friends who help her find it.",
        ("kids", "family", "music"),
        "Tamil",
        D("150"),
        60,
        4.4,
    ),
    DemoShow(
        "বৃষ্টির গান",
        "Brishtir Gaan — songs of the rain.",
        "An evening of Rabindrasangeet and new Bengali songs about the monsoon, with esraj, "
        "harmonium and a string quartet.",
        ("music", "romance"),
        "Bengali",
        D("350"),
        110,
        4.5,
    ),
    DemoShow(
        "গোয়েন্দা গল্প",
        "Goyenda Golpo — a detective story in North Calcutta.",
        "A Bengali mystery: a missing manuscript, a crumbling mansion and a detective who solves "
        "everything over tea and telebhaja.",
        ("thriller", "drama"),
        "Bengali",
        D("280"),
        125,
        4.3,
    ),
    DemoShow(
        "ಬೆಳದಿಂಗಳು",
        "Beladingalu — a moonlit love story.",
        "A Kannada romance between a Yakshagana dancer and a software engineer, told over one "
        "festival season in coastal Karnataka.",
        ("romance", "music", "drama"),
        "Kannada",
        D("230"),
        130,
        4.1,
    ),
    DemoShow(
        "ಕಾಡಿನ ಕಥೆ",
        "Kaadina Kathe — stories from the forest.",
        "A Kannada family play in which the animals of Nagarhole hold a meeting about the humans next door.",
        ("kids", "family", "comedy"),
        "Kannada",
        D("170"),
        70,
        4.2,
    ),
)

# The marker of a loaded demo: its first theatre, whether or not an admin has since removed it.
MARKER_THEATRE = THEATRES[0]
