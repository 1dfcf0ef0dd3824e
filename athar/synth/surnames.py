"""Syrian family names, built the ways they arise, with a long-tailed frequency and regions.

Compiled by the Athar project from general knowledge of how Syrian family names are formed; no
personal data was used.  Real Syria has thousands of family names; a few hundred would make
namesakes (same given and family name, another father) far commoner than they are.  The names
come from:

* the hand-listed table ``tables.FAMILY`` (the commonest names, with real spellings);
* men's given names, old and current: al-X (الخالد), bare X (خالد) and Abu X (أبو خالد);
* places: the nisba of a town, region or city (الحلبي, الدوماني, الديري, النابلسي), composed from
  the town table and a wider list of places by rule, with the irregular ones given;
* trades and offices (النجار, الحداد, القهوجي, الخطيب), some also without the article;
* tribes and clans, each tied to the governorates where it lives (الزعبي in Daraa, العكيدي on the
  Euphrates, البرازي in Hama);
* descriptive and other old forms (الأسمر, الطويل, شحادة, قدور, خطاب, حمدان) and compounds
  (الحاج حسين, الشيخ علي);
* Kurdish, Turkmen, Circassian, Armenian, Syriac and other Christian names, mostly in the north and
  north-east.

Every name gets a prior weight (its kind, its hand weight, a fixed random jitter); the names are
ranked by it and given Zipf frequencies by rank (``ZIPF_S``, ``ZIPF_Q``), so the top ten hold about
a tenth of people, the top hundred about a third, and most names are rare.  Clan names are drawn
mostly in their own governorates (``REGION_BOOST``).
"""

import random
from dataclasses import dataclass

import numpy as np

from athar.synth import tables

ZIPF_S = 0.9  # p(rank) ~ (rank + ZIPF_Q) ** -ZIPF_S
ZIPF_Q = 10
JITTER = 0.6  # sigma of the log-normal jitter on prior weights (interleaves the kinds in the tail)
REGION_BOOST = 6.0  # a regional name in its own governorates, relative to its overall weight
REGION_ELSEWHERE = 0.15  # ... and elsewhere


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One family name: Arabic, canonical Latin stem, article, known spellings, prior, regions."""

    ar: str
    canonical: str
    article: bool
    known: str  # comma-separated Latin spellings of the stem (without the article)
    prior: float
    regions: tuple[str, ...] = ()  # governorate keys; empty: everywhere


# Old men's names that live on as family names (besides the given names of tables.MALE_GIVEN):
# each gives al-X, X and Abu X.  arabic|canonical|known spellings
ROOTS = """
حمد|Hamad|Hamad,Hamd
حماد|Hammad|Hammad,Hamad
خلف|Khalaf|Khalaf,Khalf
مطلق|Mutlaq|Mutlaq,Mutlak,Motlaq
دخيل|Dakhil|Dakhil,Dakheel
فرج|Faraj|Faraj,Farag
هلال|Hilal|Hilal,Helal
منصور|Mansur|Mansour,Mansur
غازي|Ghazi|Ghazi,Ghazy
عواد|Awwad|Awad,Awwad
عيد|Id|Eid,Aid,Id
عطية|Atiyya|Atieh,Atiyah,Attia
خميس|Khamis|Khamis,Khamees
سلطان|Sultan|Sultan,Soultan
نصر|Nasr|Nasr,Nassr
جبر|Jabr|Jabr,Jabre
زيد|Zayd|Zaid,Zeid
نواف|Nawwaf|Nawaf,Nawwaf
فهد|Fahd|Fahad,Fahd
مشعل|Mishal|Mishal,Meshal,Mishaal
تركي|Turki|Turki,Torki
مبارك|Mubarak|Mubarak,Moubarak
مسعود|Masud|Masoud,Masud
سعد|Sad|Saad,Sad
سعدون|Sadun|Saadoun,Sadoun
غانم|Ghanim|Ghanem,Ghanim
داود|Dawud|Daoud,Dawood,Dawud
حاتم|Hatim|Hatem,Hatim
حامد|Hamid|Hamed,Hamid
حميد|Humayd|Hamid,Humaid,Hmeid
مطر|Matar|Matar
نايف|Nayif|Nayef,Naif
زعل|Zaal|Zaal
فرحان|Farhan|Farhan
حردان|Hardan|Hardan
سرحان|Sarhan|Sarhan
جمعة|Juma|Jumaa,Jomaa,Joumaa
رجب|Rajab|Rajab,Ragab
عاشور|Ashur|Ashour,Ashur
إدريس|Idris|Idris,Edris,Idriss
يونس|Yunus|Younes,Younis,Yunus
أيوب|Ayyub|Ayoub,Ayyub
هارون|Harun|Haroun,Harun
نمر|Nimr|Nimer,Nimr,Nemer
ذياب|Dhiyab|Thiab,Dhiyab,Ziab
صقر|Saqr|Saqr,Sakr,Saker
غزال|Ghazal|Ghazal
حمدي|Hamdi|Hamdi
رفعت|Rifat|Rifaat,Refaat
طلال|Talal|Talal
عوض|Awad|Awad,Awadh
فضل|Fadl|Fadl,Fadhl
فاضل|Fadil|Fadel,Fadil
عادل|Adil|Adel,Adil
كامل|Kamil|Kamel,Kamil
شكري|Shukri|Shukri,Shoukri
لطفي|Lutfi|Lutfi,Lotfi
فخري|Fakhri|Fakhri
صبري|Sabri|Sabri
حلمي|Hilmi|Helmi,Hilmi
رمزي|Ramzi|Ramzi
فوزي|Fawzi|Fawzi,Fauzi
بدر|Badr|Badr,Bader
عزت|Izzat|Ezzat,Izzat
نجيب|Najib|Najib,Najeeb
راشد|Rashid|Rashed,Rached
مصلح|Muslih|Musleh,Mosleh
مفلح|Muflih|Mufleh,Mofleh
مرزوق|Marzuq|Marzouk,Marzouq
عزيز|Aziz|Aziz
معروف|Maruf|Marouf,Maarouf
عقيل|Aqil|Akil,Aqeel,Okail
عمران|Imran|Omran,Imran
حمدان|Hamdan|Hamdan
سلمان|Salman|Salman,Selman
نبهان|Nabhan|Nabhan
شعلان|Shalan|Shaalan,Shalan
مهنا|Muhanna|Mhanna,Muhanna,Mohanna
جاسر|Jasir|Jaser,Jasser
ناجي|Naji|Naji
راضي|Radi|Radi
هزاع|Hazza|Hazzaa,Hazaa
دهام|Daham|Daham,Dahham
عساف|Assaf|Assaf,Asaf
زين|Zayn|Zein,Zain
سليم|Salim|Salim,Saleem,Slim
زهير|Zuhayr|Zuhair,Zouhair,Zuheir
جابر|Jabir|Jaber,Jabir
صابر|Sabir|Saber,Sabir
ملحم|Milhim|Melhem,Milhem
ديب|Dib|Dib,Deeb
عكاش|Akkash|Akkash,Akash
عبدو|Abdu|Abdo,Abdou
شبلي|Shibli|Shibli,Chebli
مرعي|Mari|Marei,Maraai
رباح|Rabah|Rabah,Rabbah
سويلم|Suwaylim|Sweilem,Suwailem
عجاج|Ajjaj|Ajaj,Ajjaj
عليوي|Ulaywi|Aliwi,Oleiwi
نزال|Nazzal|Nazzal,Nazal
حسان|Hassan|Hassan,Hassane
جلال|Jalal|Jalal
كمال|Kamal|Kamal
منيف|Munif|Munif,Mneif
فاعور|Faur|Faour,Fawour
عباد|Abbad|Abbad
فتوح|Futuh|Fattouh,Fetouh
رحمون|Rahmun|Rahmoun
مرشد|Murshid|Murshed,Morshed
عاصي|Asi|Assi,Asi
طعان|Taan|Taan,Tayaan
حسين علي|Husayn Ali|Hussein Ali,Hussain Ali
عجيل|Ujayl|Ajil,Ujail
مخلف|Mukhlif|Mukhlef,Mokhlef
شلاش|Shallash|Shallash,Shalash
خضير|Khudayr|Khudair,Khodeir
حميدي|Humaydi|Hmeidi,Humaidi
شتيوي|Shtaywi|Shteiwi,Shtaiwi
عطا|Ata|Ata,Atta
عطوان|Atwan|Atwan
مهدي|Mahdi|Mahdi,Mehdi
ضيف|Dayf|Daif,Deif
عودة|Awda|Awdeh,Odeh,Ouda
فريج|Furayj|Freij,Furaij
دعاس|Daas|Daas,Dahas
شاهر|Shahir|Shaher,Shahir
ظاهر|Zahir|Zaher,Dhaher
طاهر|Tahir|Taher,Tahir
مرهج|Marhaj|Merhej,Marhaj
نجم|Najm|Najm,Najem
شهاب|Shihab|Shehab,Shihab
سهيل|Suhayl|Suhail,Sohail
عنتر|Antar|Antar,Antar
شداد|Shaddad|Shaddad,Shadad
فالح|Falih|Faleh,Falih
جعفر|Jafar|Jaafar,Jafar
مسلم|Muslim|Muslim,Moslem
قنبر|Qanbar|Kanbar,Qanbar
عون|Awn|Aoun,Awn
معين|Muin|Moin,Mouin
هاشم|Hashim|Hashem,Hashim
كاظم|Kazim|Kazem,Kadhim
رضا|Rida|Rida,Reda,Ridha
نعمان|Numan|Nouman,Numan,Naaman
لقمان|Luqman|Luqman,Lokman
شعيب|Shuayb|Shuaib,Chouaib
ساري|Sari|Sari
ضرار|Dirar|Dirar,Derar
مثنى|Muthanna|Muthanna,Mothanna
زبير|Zubayr|Zubair,Zoubeir
طلحة|Talha|Talha,Talhah
عكرمة|Ikrima|Ikrima,Ekrima
حذيفة|Hudhayfa|Hudhaifa,Huzaifa
قيس|Qays|Qais,Kais,Qays
مضر|Mudar|Mudar,Modar
قحطان|Qahtan|Qahtan,Kahtan
يعرب|Yarub|Yarob,Yaarub
كنان|Kinan|Kinan,Kenan
نعيم|Naim|Naim,Naeem
حليم|Halim|Halim,Haleem
ناظم|Nazim|Nazem,Nazim
نظام|Nizam|Nizam,Nezam
فريد|Farid|Farid,Fareed
وحيد|Wahid|Wahid,Waheed
مجيد|Majid|Majeed,Majid
سعدي|Sadi|Saadi,Sadi
حمدو|Hamdu|Hamdo,Hamdou
حمودة|Hammuda|Hammouda,Hamouda
بكري|Bakri|Bakri
شوقي|Shawqi|Shawki,Chawki
زكي|Zaki|Zaki,Zaky
صفوان|Safwan|Safwan
عدي|Udayy|Uday,Oday,Odai
قصي|Qusayy|Qusai,Kusai,Qusay
سيف|Sayf|Saif,Seif
رعد|Rad|Raad,Rad
برهان|Burhan|Burhan,Borhan
نبيه|Nabih|Nabih,Nabeeh
وجيه|Wajih|Wajih,Wajeeh
فهيم|Fahim|Fahim,Faheem
نسيم|Nasim|Nasim,Naseem
شفيق|Shafiq|Shafik,Shafiq
رفيق|Rafiq|Rafik,Rafiq
موفق|Muwaffaq|Mowaffak,Muwaffaq
عارف|Arif|Aref,Arif
محرم|Muharram|Muharram,Moharram
عبيدو|Ubaydu|Obeido,Obaido
خلوف|Khalluf|Khallouf,Khalouf
ضامن|Damin|Damen,Damin
جودة|Juda|Joudeh,Jouda
رحيم|Rahim|Rahim,Raheem
كريم|Karim|Karim,Kareem
حمزة|Hamza|Hamza,Hamzeh
جاد|Jad|Jad
خير|Khayr|Kheir,Khair
غنيم|Ghunaym|Ghoneim,Ghunaim
سويد|Suwayd|Sweid,Suwaid
شبيب|Shabib|Shabib,Shbeeb
ربيع|Rabi|Rabie,Rabih,Rabia
جاسم|Jasim|Jasem,Jassem,Jasim
فتحي|Fathi|Fathi,Fethi
حسني|Husni|Husni,Hosni
رشدي|Rushdi|Rushdi,Roshdi
ثامر|Thamir|Thamer,Thamir
سامح|Samih|Sameh,Samih
رائف|Raif|Raef,Raif
رامز|Ramiz|Ramez,Ramiz
فؤاد|Fuad|Fouad,Fuad
أنيس|Anis|Anis,Anees
بسام|Bassam|Bassam,Basam
تامر|Tamir|Tamer,Tamir
ثابت|Thabit|Thabet,Thabit,Sabet
جواد|Jawad|Jawad,Jaouad
حارث|Harith|Hareth,Harith
خطار|Khattar|Khattar
خليف|Khlayf|Khleif,Khalif
دحام|Dahham|Dahham,Daham
راغب|Raghib|Ragheb,Raghib
زاهر|Zahir|Zaher,Zahir
سند|Sanad|Sanad
شامل|Shamil|Shamel,Shamil
صافي|Safi|Safi
عتيق|Atiq|Atik,Ateeq
عدوان|Adwan|Adwan
عزام|Azzam|Azzam,Azam
عصمت|Ismat|Esmat,Ismat
علوان|Alwan|Alwan,Olwan
غالب|Ghalib|Ghaleb,Ghalib
غيث|Ghayth|Ghaith,Ghayth
لبيب|Labib|Labib,Labeeb
محفوظ|Mahfuz|Mahfouz,Mahfuz
مختار|Mukhtar|Mukhtar,Mokhtar
مدحت|Midhat|Medhat,Midhat
مطيع|Muti|Mutie,Moutih
معن|Man|Maan,Man
مقبل|Muqbil|Mukbel,Muqbil
منور|Munawwar|Mnawar,Munawar
نافع|Nafi|Nafea,Nafie
نوري|Nuri|Nouri,Nuri
هايل|Hayil|Hayel,Hail
وهيب|Wahib|Wahib,Waheeb
يسار|Yasar|Yasar,Yassar
رجا|Raja|Raja,Rajah
ساطع|Sati|Sateh,Sate
رافع|Rafi|Rafea,Rafeh
شحود|Shahhud|Shahoud,Shahhoud
باسم|Basim|Basem,Basim
"""

# Family names as they stand (with or without the article, as in Arabic).
# arabic|canonical stem|known spellings|regions (governorate keys; optional)
OTHER = """
الأسمر|Asmar|Asmar,Asmer
الأحمر|Ahmar|Ahmar
القصير|Qasir|Kassir,Qusair,Kasir
الأعرج|Araj|Araj,Aaraj
الأصفر|Asfar|Asfar
الأبيض|Abyad|Abyad,Abiad
الأسود|Aswad|Aswad
الأشقر|Ashqar|Ashkar,Ashqar
الأطرش|Atrash|Atrash|SWD
الأحدب|Ahdab|Ahdab
الأقرع|Aqra|Akraa,Aqraa
الأعور|Awar|Awar,Aawar
الأخرس|Akhras|Akhras|HMS
الأزرق|Azraq|Azraq,Azrak
الأخضر|Akhdar|Akhdar,Akhdar
الصغير|Saghir|Saghir,Sagheer,Seghir
الكبير|Kabir|Kabir,Kabeer
الأحول|Ahwal|Ahwal
الأمين|Amin|Amin,Ameen
الحلو|Hilu|Helou,Hilu,Helu
الزين|Zayn|Zein,Zain
الهاشمي|Hashimi|Hashemi,Hashimi
القرشي|Qurashi|Kurashi,Qurashi,Qoraishi
الأنصاري|Ansari|Ansari
العباسي|Abbasi|Abbasi
الحسني|Hasani|Hasani,Hassani
البكري|Bakri|Bakri
العمري|Umari|Omari,Amri,Umari
العثماني|Uthmani|Othmani,Osmani
الأيوبي|Ayyubi|Ayoubi,Ayyubi
الجزائري|Jazairi|Jazairi,Jazaery
المغربي|Maghribi|Maghrebi,Maghribi
الكردي|Kurdi|Kurdi,Kordi
العظم|Azm|Azem,Azm|DAM HMA
القوتلي|Quwatli|Kuwatli,Quwatli|DAM
الكزبري|Kuzbari|Kuzbari,Kozbari|DAM
البارودي|Barudi|Baroudi,Barudi|DAM
النحلاوي|Nahlawi|Nahlawi|DAM
الطباع|Tabba|Tabbaa,Tabaa|DAM
الحفار|Haffar|Haffar,Hafar|DAM
الشلاح|Shallah|Shallah|DAM
الغزي|Ghazzi|Ghazzi,Ghazi|DAM
الجلاد|Jallad|Jallad,Jalad|DAM
الدقر|Daqr|Dakkar,Daqr|DAM
النوري|Nuri|Nouri,Nuri|DAM
الشطي|Shatti|Shatti|DAM
العابد|Abid|Abed,Abid|DAM
المالكي|Maliki|Maliki,Malki|DAM
الكيلاني|Kilani|Kilani,Keilani,Gilani|HMA
البرازي|Barazi|Barazi|HMA
الشيشكلي|Shishakli|Shishakli,Chichakli|HMA
العلواني|Alwani|Alwani,Elwani|HMA
الصابوني|Sabuni|Sabouni,Sabuni|HMA ALE
المؤيد|Muayyad|Moayad,Muayyad|HMA
الطيار|Tayyar|Tayar,Tayyar|HMA
الدندشي|Dandashi|Dandashi|HMS
الطلاس|Tlas|Tlass,Tlas|HMS
الجندلي|Jandali|Jandali|HMS
الفاخوري|Fakhuri|Fakhouri|HMS
الجابري|Jabiri|Jabri,Jabiri|ALE
القدسي|Qudsi|Kudsi,Qudsi|ALE
الكواكبي|Kawakibi|Kawakibi,Kawakbi|ALE
المدرس|Mudarris|Mudarres,Moudarres|ALE
الشهابي|Shihabi|Shehabi,Shihabi|ALE
البيانوني|Bayanuni|Bayanouni|ALE
الغزال|Ghazal|Ghazal|IDL
الأتاسي|Atasi|Atassi|HMS
خطاب|Khattab|Khattab,Khatab
دياب|Diyab|Diab,Diyab
شاهين|Shahin|Shahin,Shaheen,Chahine
خليفة|Khalifa|Khalifa,Khalifeh
فرحات|Farhat|Farhat
عبود|Abbud|Abboud,Aboud
حمادة|Hamada|Hamadeh,Hamada
نعمة|Nima|Naameh,Nehme,Nima
سلامة|Salama|Salameh,Salama
بركات|Barakat|Barakat
سعادة|Saada|Saadeh,Saada
رزق|Rizq|Rizk,Rizq,Rezk
فياض|Fayyad|Fayad,Fayyad
حسون|Hassun|Hassoun,Hasson
سلوم|Sallum|Salloum,Saloum
شدود|Shaddud|Shaddoud,Chaddoud
جدوع|Jaddu|Jaddou,Jadou
علوش|Allush|Alloush,Aloush
حلاوة|Halawa|Halawa,Halaweh
عليان|Alyan|Alyan,Aliyan
جدعان|Jadan|Jadaan,Jadan
عمران|Imran|Omran,Imran
ونوس|Wannus|Wannous,Wanous|TAR LAT
ناصيف|Nasif|Nassif,Nasif|TAR LAT HMS
صقر|Saqr|Saqr,Sakr,Saker
عجيب|Ajib|Ajib,Ajeeb|LAT TAR
معلا|Mualla|Mualla,Moalla|LAT TAR
ميهوب|Mayhub|Mayhoub,Mihoub|LAT TAR
يونس|Yunus|Younes,Younis|LAT TAR HMS
غانم|Ghanim|Ghanem,Ghanim|LAT TAR
عيد|Id|Eid,Aid
حاتم|Hatim|Hatem,Hatim
جمعة|Juma|Jumaa,Jomaa
الجمعة|Juma|Jumaa,Jomaa
الخميس|Khamis|Khamis
رجب|Rajab|Rajab
عاشور|Ashur|Ashour
سلمان|Salman|Salman
حمدان|Hamdan|Hamdan
سرحان|Sarhan|Sarhan
فرحان|Farhan|Farhan
نبهان|Nabhan|Nabhan
كيوان|Kaywan|Kaiwan,Kiwan,Keywan|DRA SWD
أبو فخر|Abu Fakhr|Abu Fakhr,Abou Fakher|SWD
أبو عساف|Abu Assaf|Abu Assaf,Abou Assaf|SWD
الحناوي|Hinnawi|Hinnawi,Hennawi|SWD
الشعراني|Shaarani|Shaarani,Sharani|SWD
البلعوس|Balus|Balous,Baalous|SWD
نصر|Nasr|Nasr|SWD
أبو الحسن|Abu al-Hasan|Abu al-Hassan,Abul Hassan,Abou Hassan|SWD
زين الدين|Zayn al-Din|Zeineddine,Zein al-Din,Zein Eddin|SWD
الحاج أحمد|Hajj Ahmad|Haj Ahmad,Hajj Ahmed,Hajahmad
الحاج حسين|Hajj Husayn|Haj Hussein,Hajj Hussein
الحاج حسن|Hajj Hasan|Haj Hassan,Hajj Hasan
الحاج محمد|Hajj Muhammad|Haj Mohammad,Haj Mohamad,Hajj Mohammed
الحاج عمر|Hajj Umar|Haj Omar,Hajj Omar
الحاج إبراهيم|Hajj Ibrahim|Haj Ibrahim
الحاج يوسف|Hajj Yusuf|Haj Yousef,Haj Youssef
الحاج خليل|Hajj Khalil|Haj Khalil
الحاج قاسم|Hajj Qasim|Haj Kassem,Haj Qasem
الحاج صالح|Hajj Salih|Haj Saleh
الحاج موسى|Hajj Musa|Haj Mousa,Haj Moussa
الحاج عبيد|Hajj Ubayd|Haj Obeid,Haj Obaid
الحاج حمود|Hajj Hamud|Haj Hamoud
الحاج بكري|Hajj Bakri|Haj Bakri
الشيخ علي|Shaykh Ali|Sheikh Ali,Cheikh Ali
الشيخ أحمد|Shaykh Ahmad|Sheikh Ahmad,Sheikh Ahmed
الشيخ حسن|Shaykh Hasan|Sheikh Hassan
الشيخ محمد|Shaykh Muhammad|Sheikh Mohammad,Sheikh Mohamad
الشيخ يوسف|Shaykh Yusuf|Sheikh Yousef
الشيخ موسى|Shaykh Musa|Sheikh Mousa
الشيخ عثمان|Shaykh Uthman|Sheikh Othman
الشيخ خليل|Shaykh Khalil|Sheikh Khalil
الشيخ عيسى|Shaykh Isa|Sheikh Issa
الشيخ إبراهيم|Shaykh Ibrahim|Sheikh Ibrahim
الشيخ ديب|Shaykh Dib|Sheikh Dib
الشيخ سليمان|Shaykh Sulayman|Sheikh Suleiman
الشيخ حمود|Shaykh Hamud|Sheikh Hamoud
الشيخ عمر|Shaykh Umar|Sheikh Omar
الآغا|Agha|Agha,Aga
الباشا|Basha|Basha,Pasha
الشاويش|Shawish|Shawish,Chaouiche
الحافظ|Hafiz|Hafez,Hafiz
الملا|Mulla|Mulla,Molla,Mella
الصوفي|Sufi|Soufi,Sufi
النقيب|Naqib|Nakib,Naqib
العسكري|Askari|Askari
الجابي|Jabi|Jabi|DAM
الإمام|Imam|Imam,Emam
القاضي|Qadi|Kadi,Qadi,Kady
المفتي|Mufti|Mufti,Moufti
الكاتب|Katib|Kateb,Katib
الشريف|Sharif|Sharif,Cherif
المصطفى|Mustafa|Mustafa,Moustafa
الإبراهيم|Ibrahim|Ibrahim
اليوسف|Yusuf|Yousef,Youssef
البكر|Bakr|Bakr,Baker
الهلال|Hilal|Hilal,Helal
الفياض|Fayyad|Fayad,Fayyad
الدرويش|Darwish|Darwish
الماغوط|Maghut|Maghout,Maghut
العجيلي|Ujayli|Ujaili,Ajili
الملوحي|Mallouhi|Mallouhi,Malluhi
الصمادي|Samadi|Samadi
العريان|Aryan|Aryan,Erian
العجلاني|Ajlani|Ajlani|DAM
الأرناؤوط|Arnaut|Arnaout,Arnaut|DAM
المرعشلي|Maraashli|Maraashli,Marashli|DAM
الزعيم|Zaim|Zaim,Zaeem
الرزاز|Razzaz|Razzaz
الشهبندر|Shahbandar|Shahbandar|DAM
الحصني|Husni|Hosni,Husni
البوطي|Buti|Bouti,Buti|DAM
الأسطواني|Ustuwani|Ustuwani,Ostwani|DAM
الحمزاوي|Hamzawi|Hamzawi|DAM
المنجد|Munajjid|Munajjed,Monajed|DAM
المحايري|Mahayiri|Mahayri,Mahairi|DAM
الكسم|Kassm|Kassem,Kasm|DAM
العرقسوسي|Irqsusi|Erksousi,Arksousi|DAM
القطب|Qutb|Kutb,Qutb
الريس|Rayyis|Rayes,Rayyes
الخير|Khayr|Kheir,Khair
الفرا|Farra|Farra,Farah
الزركلي|Zirikli|Zirikli,Zerekly|DAM
الدوري|Duri|Douri,Duri
الجباوي|Jabawi|Jabawi|DRA QUN
اللبابيدي|Lababidi|Lababidi|DAM
البزرة|Bizra|Bizreh,Bizra|DAM
الترك|Turk|Turk,Tourk
أبو شقرا|Abu Shaqra|Abu Shakra,Abou Chakra
أبو ريشة|Abu Risha|Abu Risheh,Abou Richa
أبو النصر|Abu al-Nasr|Abu al-Nasr,Abul Nasr,Abou Ennasr
أبو شعر|Abu Shar|Abu Shaar,Abou Chaar|DAM
أبو السعود|Abu al-Saud|Abu al-Saud,Abu Saud,Abou Saoud
أبو الشامات|Abu al-Shamat|Abu al-Shamat,Abou Chamat|DAM
أبو حرب|Abu Harb|Abu Harb,Abou Harb
أبو عاصي|Abu Asi|Abu Assi,Abou Assi
أبو راس|Abu Ras|Abu Ras,Abou Ras
أبو عرب|Abu Arab|Abu Arab,Abou Arab
أبو فاعور|Abu Faur|Abu Faour,Abou Faour
أبو سمرة|Abu Samra|Abu Samra,Abou Samra
أبو الهدى|Abu al-Huda|Abu al-Huda,Abul Huda|ALE
أبو قاسم|Abu Qasim|Abu Kassem,Abou Kassem
أبو شام|Abu Sham|Abu Sham
عرفات|Arafat|Arafat
الدجاني|Dajani|Dajani
النشاشيبي|Nashashibi|Nashashibi
البرغوثي|Barghuthi|Barghouti,Barghuthi
الطيبي|Tibi|Tibi,Taibi
ملص|Malas|Malas,Mallas|DAM HMS
مملوك|Mamluk|Mamlouk,Mamluk|DAM
المعلم|Muallim|Moallem,Muallem
قنوت|Qannut|Kannout,Qannout|DAM
البني|Bunni|Bunni,Bounni|DAM
حتاحت|Hatahit|Hatahet|DAM
الموصللي|Mawsalli|Mousalli,Mawsili|ALE
ترمانيني|Tarmanini|Tarmanini|ALE
مكتبي|Maktabi|Maktabi|ALE
شيخاني|Shaykhani|Sheikhani,Chikhani|ALE
شهلا|Shahla|Shahla|DAM
سكر|Sukkar|Sukkar,Sokkar|DAM
العقاد|Aqqad|Akkad,Aqqad
دبس|Dibs|Dibs,Debs|DAM
الخجا|Khuja|Khoja,Khouja
شربتجي|Sharbatji|Sharbatji,Charbatji|DAM ALE
الكرمي|Karmi|Karmi
الدواليبي|Dawalibi|Dawalibi|ALE
الكيخيا|Kikhya|Kikhia,Kekhia|ALE
الجلبي|Chalabi|Chalabi,Jalabi|ALE
الكلاس|Kallas|Kallas,Kalas
العرسان|Arsan|Arsan
بدير|Budayr|Budeir,Bdeir
"""

# Trades and crafts: the article form; a trailing * also gives the bare form (حداد, نجار).
# arabic|canonical stem|known spellings
TRADES = """
الصباغ*|Sabbagh|Sabbagh,Sabagh
القصاب*|Qassab|Kassab,Qassab,Kasab
الزيات*|Zayyat|Zayat,Zayyat
السمان*|Samman|Samman,Saman
الفران|Farran|Farran,Faran
الجزار*|Jazzar|Jazzar,Jazar
اللحام*|Lahham|Lahham,Laham
الحلواني|Halwani|Halwani
الخباز*|Khabbaz|Khabbaz,Khabaz
النحاس*|Nahhas|Nahhas,Nahas
الصايغ*|Sayigh|Sayegh,Sayigh,Saygh
الدهان*|Dahhan|Dahhan,Dahan
الحكيم*|Hakim|Hakim,Hakeem
الفحام|Fahham|Fahham,Faham
الحمامي*|Hammami|Hammami,Hamami
القباني*|Qabbani|Kabbani,Qabbani
الكيال*|Kayyal|Kayyal,Kayal
الدلال*|Dallal|Dallal,Dalal
السقا|Saqqa|Sakka,Saqqa
الحصري|Husari|Housari,Husari,Hosari
الشماع|Shamma|Shammaa,Shamaa
الصواف|Sawwaf|Sawwaf,Sawaf
القطان*|Qattan|Kattan,Qattan
الحجار*|Hajjar|Hajjar,Hajar
الجمال|Jammal|Jammal,Jamal
الكحال|Kahhal|Kahhal,Kahal
الصيرفي|Sayrafi|Sairafi,Sayrafi
السراج*|Sarraj|Sarraj,Saraj
الحايك*|Hayik|Hayek,Haik,Hayik
النساج|Nassaj|Nassaj,Nasaj
الزجاج|Zajjaj|Zajjaj,Zajaj
الفخار*|Fakhkhar|Fakhkhar,Fakhar
الطباخ*|Tabbakh|Tabbakh,Tabakh
الخراط*|Kharrat|Kharrat,Kharat
النقاش*|Naqqash|Nakkash,Naqqash
الحطاب*|Hattab|Hattab,Hatab
الفلاح|Fallah|Fallah,Falah
الراعي|Rai|Raai,Rai
الدباس|Dabbas|Dabbas,Dabas
القهوجي|Qahwaji|Kahwaji,Qahwaji,Kahwagi
البزاز|Bazzaz|Bazzaz,Bazaz
البقال|Baqqal|Bakkal,Baqqal
العلاف|Allaf|Allaf,Alaf
الطرابيشي|Tarabishi|Tarabishi,Trabichi
المؤذن|Muadhdhin|Moazen,Mouazzen,Muezzin
الصراف*|Sarraf|Sarraf,Saraf
الوزان|Wazzan|Wazzan,Wazan
الكيالي|Kayyali|Kayyali,Kayali
الخانجي|Khanji|Khanji
الدقاق|Daqqaq|Dakkak,Daqqaq
القزاز|Qazzaz|Kazzaz,Qazzaz
الحبال*|Habbal|Habbal,Habal
القواس|Qawwas|Kawwas,Qawwas
الكعكي|Kaki|Kaaki,Kaki
الحلاج*|Hallaj|Hallaj,Halaj
السيوفي|Suyufi|Siufi,Sioufi
اللباد|Labbad|Labbad,Labad
الشربجي|Shurbaji|Shorbaji,Shurbaji
التوتونجي|Tutunji|Tutunji,Toutounji
الخضري|Khudari|Khodari,Khudari
الحمال|Hammal|Hammal,Hamal
الساعاتي|Saati|Saati,Sa'ati
الشعار|Shaar|Shaar,Shaar
البيطار*|Baytar|Bitar,Baytar,Beitar
العكام|Akkam|Akkam
الحداد*|Haddad|Haddad
النجار*|Najjar|Najjar,Najar
الخياط*|Khayyat|Khayat,Khayyat
العطار*|Attar|Attar,Atar
الطحان*|Tahhan|Tahhan,Tahan
الدباغ*|Dabbagh|Dabbagh,Dabagh
الحلاق*|Hallaq|Hallak,Hallaq
الجزائرلي|Jazairli|Jazairli
الكحالة|Kahhala|Kahhaleh,Kahala
المعمار|Mimar|Mimar,Miamar
"""

# Tribes, clans and big families, with the governorates where they live.
# arabic|canonical stem|known spellings|regions
CLANS = """
الشمري|Shammari|Shammari,Shamri|HSK DEZ RAQ
العنزي|Anazi|Anazi,Enezi,Anizi|HSK DEZ RAQ HMS
الجبوري|Jaburi|Jubouri,Jabouri,Jburi|HSK DEZ RAQ
العبيدي|Ubaydi|Obeidi,Ubaidi,Obaidi|DEZ RAQ HSK
الدليمي|Dulaymi|Dulaimi,Dleimi,Dulaymi|DEZ
البكاري|Bakkari|Bakkari,Bakari|DEZ ALE
العكيدي|Ugaydi|Akidi,Okaidi,Ugaidi|DEZ
الشعيطي|Shuayti|Shuaiti,Shaiti|DEZ
الحديدي|Hadidi|Hadidi,Hdeidi|HMA ALE IDL
النعيمي|Nuaymi|Nuaimi,Naimi|DRA HMS QUN
الموالي|Mawali|Mawali,Mouali|HMA IDL ALE
الفدعان|Fadan|Fadaan,Fadan|RAQ HMA
الطائي|Tai|Tai,Taie,Taei|HSK
الزبيدي|Zubaydi|Zubaidi,Zbeidi|DEZ
الجميلي|Jumayli|Jumaili,Jmeili|DEZ
الحمداني|Hamdani|Hamdani|DEZ HSK
العزاوي|Azzawi|Azzawi,Azawi|DEZ
الخابوري|Khaburi|Khabouri|HSK DEZ
المشهداني|Mashhadani|Mashhadani|DEZ
الكبيسي|Kubaysi|Kubaisi,Kbeisi|DEZ
الجبور|Jabbur|Jabbour,Jabour|HSK RAQ
البوشعبان|Bu Shaban|Bou Chaaban,Bu Shaaban|RAQ
الولدة|Walda|Walda,Waldeh|RAQ
العفادلة|Afadla|Afadleh,Afadla|RAQ
البوسرايا|Bu Saraya|Bou Saraya,Busaraya|DEZ
البقارة|Baqqara|Bakkara,Baqqara|DEZ ALE
الحسون|Hassun|Hassoun|DEZ RAQ
الخلف|Khalaf|Khalaf|RAQ DEZ
الهويدي|Huwaydi|Hweidi,Huwaidi|DEZ RAQ
العساف|Assaf|Assaf|DEZ RAQ
المحاميد|Mahamid|Mahamid,Mahameed|DRA
المسالمة|Masalma|Masalmeh|DRA
الجوابرة|Jawabra|Jawabra,Jawabreh|DRA
الشرع|Shara|Sharaa,Shara|DRA
العودات|Awdat|Awdat,Oudat|DRA
القداح|Qaddah|Kaddah,Qaddah|DRA
الصياصنة|Sayasina|Sayasneh,Sayasna|DRA
البردان|Bardan|Bardan|DRA
الغزالي|Ghazali|Ghazali,Ghazaly|DRA
الجهماني|Jahmani|Jahmani|DRA
الحشيش|Hashish|Hashish|DRA
المقداد|Miqdad|Mikdad,Meqdad|DRA
الحريري|Hariri|Hariri|DRA
الرفاعي|Rifai|Rifai,Refai|DRA IDL
الزعبي|Zubi|Zoubi,Zuabi|DRA
أبازيد|Abazid|Abazeed,Abazid|DRA
الرواشدة|Rawashda|Rawashdeh|DRA
الكراد|Kurrad|Karrad|DRA
البدوي|Badawi|Badawi,Badaoui|DRA QUN
الفضل|Fadl|Fadl,Fadel|QUN DAM
النعسان|Nasan|Naasan,Nassan|HMA IDL
الصطوف|Satuf|Stouf,Satouf|HMA IDL
الخطاب|Khattab|Khattab|HMA IDL
الهلالي|Hilali|Hilali,Helali|HMA HMS
الجاموس|Jamus|Jamous|HMA
العقيدي|Uqaydi|Okaidi,Aqidi|ALE
البري|Barri|Barri,Berri|ALE
العسافي|Assafi|Assafi|ALE IDL
الدرة|Durra|Durra,Dorra|ALE
الحمادة|Hamada|Hamadeh,Hamada|ALE IDL HMA
البكور|Bakkur|Bakour|IDL HMA
الحاج حمدو|Hajj Hamdu|Haj Hamdo|ALE IDL
الشيخ خليل|Shaykh Khalil|Sheikh Khalil|ALE
الأصفري|Asfari|Asfari|HMS
اللهيبي|Luhaybi|Lheibi,Luhaibi|HMS HMA
الرويلي|Ruwayli|Rweili,Ruwaili|HMS DAM
الفواعرة|Fawaira|Fawaara,Fawaira|HMS
السبعاوي|Sabawi|Sabaawi|HMA HMS
الحسنة|Hasana|Hasana|HMS DAM
"""

# Kurdish, Turkmen, Circassian, Chechen, Armenian, Syriac and other Christian family names.
# arabic|canonical stem|known spellings|regions
MINORITIES = """
حسو|Hasso|Hasso,Haso|HSK ALE
حمو|Hammo|Hammo,Hamo|HSK ALE
شيخو|Shaykho|Sheikho,Cheikho|HSK ALE
ممو|Mamo|Mamo,Memo|HSK ALE
أوسو|Usso|Osso,Ousso|HSK ALE
حاجو|Hajo|Hajo,Hadjo|HSK ALE
بوزان|Buzan|Bozan,Buzan|HSK ALE
زازا|Zaza|Zaza|HSK ALE
سيدو|Saydo|Seydo,Saido|HSK ALE
كالو|Kalo|Kalo|HSK ALE
جمو|Jammo|Jammo,Jamo|HSK ALE
رشو|Rasho|Rasho|HSK ALE
علو|Allo|Allo,Alo|HSK ALE
إيبو|Ibo|Ibo,Ebo|HSK ALE
خلو|Khallo|Khallo,Khalo|HSK ALE
بيرو|Biro|Biro|HSK ALE
عليكو|Aliko|Aliko|HSK ALE
مستو|Misto|Misto,Mesto|HSK ALE
عيدو|Eido|Eido|HSK ALE
بكرو|Bakro|Bakro|HSK ALE
عيسو|Isso|Isso,Eisso|HSK ALE
حنان|Hanan|Hanan|HSK
شمدين|Shamdin|Shamdin,Chamdin|HSK DAM
بدرخان|Badrkhan|Bedirkhan,Badrkhan|HSK DAM
ملا محمد|Mulla Muhammad|Mulla Mohammad,Mella Mohamad|HSK ALE
ديركي|Dayrki|Deriki,Derki|HSK
عفريني|Afrini|Afrini|ALE
كوباني|Kubani|Kobani|ALE
البرازي|Barazi|Barazi|ALE
بيرقدار|Bayraqdar|Bayraqdar,Bairakdar,Bayrakdar|ALE HMS LAT
التركماني|Turkmani|Turkmani|ALE HMS LAT
اليازجي|Yaziji|Yaziji,Yazigi|ALE
أرسلان|Arslan|Arslan|ALE DAM
قره علي|Qara Ali|Karali,Kara Ali|ALE LAT
أباظة|Abaza|Abaza,Abaze|QUN DAM HMS
الشركسي|Sharkasi|Sharkasi,Cherkassi|QUN DAM HMS
شركس|Sharkas|Sharkas,Cherkes|QUN DAM HMS
حاتوغ|Hatugh|Hatough,Hatug|QUN DAM
أبزاخ|Abzakh|Abzakh|QUN DAM
الداغستاني|Daghistani|Daghestani,Dagestani|DAM QUN
الشيشاني|Shishani|Shishani,Chichani|DAM QUN HSK
كيفوركيان|Kevorkian|Kevorkian,Gevorkian|ALE HSK DAM
هاكوبيان|Hagopian|Hagopian,Hakobian|ALE HSK DAM
بوغوصيان|Boghossian|Boghossian,Boghosian|ALE HSK DAM
مانوكيان|Manukian|Manoukian,Manukian|ALE HSK DAM
سركيسيان|Sarkisian|Sarkissian,Sarkisian|ALE HSK DAM
أفيديسيان|Avedisian|Avedissian,Avedisian|ALE HSK
كارابيديان|Garabedian|Garabedian,Karapetian|ALE HSK
كسبريان|Kasparian|Kasparian,Gasparian|ALE
طاشجيان|Tashjian|Tashjian,Tachjian|ALE
بدروسيان|Bedrosian|Bedrossian,Bedrosian|ALE HSK
أرتينيان|Artinian|Artinian|ALE
ملكونيان|Melkonian|Melkonian|ALE DAM
شاهينيان|Shahinian|Shahinian|ALE
كشيشيان|Kechichian|Kechichian,Keshishian|ALE
هوفانيسيان|Hovanisian|Hovhannisian,Hovanessian|ALE HSK
كورية|Kuriya|Kourieh,Kouria|HSK HMS
حنا|Hanna|Hanna,Hana|HSK HMS DAM
عبد المسيح|Abd al-Masih|Abdulmasih,Abdel Massih,Abd al-Masih|HSK HMS
يعقوب|Yaqub|Yacoub,Yaqoub,Yakoub|HSK HMS DAM
شمعون|Shamun|Shamoun,Shemoun|HSK
بطرس|Butrus|Boutros,Butrus,Botros|HSK HMS DAM
سركيس|Sarkis|Sarkis,Sarkiss|HSK ALE DAM
جبرائيل|Jibrail|Jebrail,Gebrail,Jibrail|HSK HMS
إسحاق|Ishaq|Ishak,Ishaq,Eshak|HSK
ملكي|Malki|Malki,Melki|HSK
أفرام|Afram|Afram,Ephrem|HSK
توما|Tuma|Touma,Toma|HSK HMS DAM
متى|Matta|Matta,Matti|HSK
جرجس|Jirjis|Jirjis,Gerges,Girgis|HSK HMS DAM
صليبا|Saliba|Saliba|HMS DAM HSK
عازار|Azar|Azar,Azzar|HMS DAM
مخول|Makhul|Makhoul|HMS TAR DAM
برصوم|Barsum|Barsoum,Barsom|HSK
دنحو|Danho|Danho|HSK
شابو|Shabo|Shabo|HSK
كبرو|Kabro|Kabro|HSK
زكا|Zakka|Zakka|HSK
خوري|Khuri|Khoury,Khouri,Khury|HMS DAM HSK TAR
الخوري|Khuri|Khoury,Khouri|HMS DAM HSK TAR
إلياس|Ilyas|Elias,Ilyas|HMS DAM TAR
نقولا|Niqula|Nicola,Nikola,Nkoula|HMS DAM LAT
سمعان|Siman|Semaan,Simaan|HMS DAM
حبيب|Habib|Habib|HMS DAM TAR
جبور|Jabbur|Jabbour,Jabour|HMS DAM
قسيس|Qasis|Kassis,Qassis|HMS DAM
نصري|Nasri|Nasri|HMS DAM
عطالله|Ataallah|Atallah,Ataallah|HMS DAM
غريب|Gharib|Gharib,Ghareeb|HMS DAM
تمو|Tammo|Tammo,Temmo|HSK ALE
كلو|Kallo|Kallo,Kalo|HSK ALE
ميرو|Miro|Miro|HSK ALE
برو|Birro|Berro,Birro|HSK ALE
زكريان|Zakarian|Zakarian|ALE HSK
باغداسريان|Baghdasarian|Baghdasarian|ALE HSK
كالوستيان|Kaloustian|Kaloustian|ALE
مرديروسيان|Mardirossian|Mardirossian,Mardirosian|ALE HSK
"""

# Places whose nisba makes a family name: in Syria and around it (families from Palestine,
# Lebanon, Iraq, Turkey, North Africa live in Syria).  place in arabic|place in latin|nisba
# override (arabic|latin), when the rule (الحلبي from حلب, الدرعاوي from درعا) does not fit.
PLACES = """
دمشق|Dimashq|الدمشقي|Dimashqi
الشاغور|Shaghur
الصالحية|Salihiyya|الصالحاني|Salhani
المهاجرين|Muhajirin|المهاجر|Muhajir
القدم|Qadam
كفرسوسة|Kafrsusa|الكفرسوسي|Kafrsousi
القلمون|Qalamun
النبك|Nabk
قطنا|Qatana|القطناني|Qatanani
جيرود|Jirud
الضمير|Dumayr
الكسوة|Kiswa|الكسواني|Kiswani
سقبا|Saqba|السقباني|Saqbani
رنكوس|Rankus
بلودان|Bludan|البلوداني|Bloudani
صيدنايا|Saydnaya|الصيدناوي|Saidnawi
يلدا|Yalda|اليلداني|Yaldani
الغوطة|Ghuta|الغوطاني|Ghoutani
عفرين|Afrin
جرابلس|Jarablus
السفيرة|Safira|السفيراني|Safirani
مارع|Mari|المارعي|Marii
الأتارب|Atarib
عنتاب|Antab
كلز|Kilis|الكلزي|Kilzi
مرعش|Marash
أورفة|Urfa|الأورفلي|Orfali
ماردين|Mardin
ديار بكر|Diyar Bakr|الدياربكرلي|Diyarbakirli
إسطنبول|Istanbul|الإسطنبولي|Istanbuli
الموصل|Mawsil|الموصلي|Mosuli
بغداد|Baghdad
البصرة|Basra|البصري|Basri
تونس|Tunis|التونسي|Tunsi
طرابلس|Tarablus
بيروت|Bayrut
صيدا|Sayda
يافا|Yafa
القدس|Quds|المقدسي|Maqdisi
نابلس|Nablus
عكا|Akka
صفد|Safad
حيفا|Hayfa
الرملة|Ramla|الرملاوي|Ramlawi
اللد|Lidd|اللداوي|Liddawi
الخليل|Khalil|الخليلي|Khalili
غزة|Ghazza|الغزاوي|Ghazzawi
طبريا|Tabariyya|الطبراني|Tabarani
جنين|Janin
اليمن|Yaman|اليمني|Yamani
العراق|Iraq
الحجاز|Hijaz
الجولان|Jawlan
الجزيرة|Jazira|الجزراوي|Jazrawi
الساحل|Sahil
البقاع|Biqa|البقاعي|Biqai
حاصبيا|Hasbayya|الحاصباني|Hasbani
بعلبك|Baalbak
تدمر|Tadmur
السخنة|Sukhna|السخني|Sukhni
القريتين|Qaryatayn|القريتيني|Qaryatayni
حوران|Hawran
اللجاة|Laja|اللجاتي|Lajati
بنش|Binnish
سرمين|Sarmin
تفتناز|Taftanaz
حارم|Harim
سلقين|Salqin
معرة مصرين|Maarrat Misrin|المصريني|Misrini
مصياف|Masyaf
صوران|Suran
محردة|Mhardeh|المحرداوي|Mhardawi
طيبة الإمام|Tayyibat al-Imam|الطيباوي|Tayyibawi
صافيتا|Safita
عامودا|Amuda|العامودي|Amoudi
القطيفة|Qutayfa|القطيفاني|Qutaifani
دير عطية|Dayr Atiyya|العطواني|Atwani
معلولا|Maalula|المعلولي|Maaluli
السلط|Salt
الكرك|Karak
عجلون|Ajlun
إربد|Irbid
الرمثا|Ramtha|الرمثاوي|Ramthawi
حمورية|Hammuriyya
كفربطنا|Kafrbatna
جسرين|Jisrin
حزة|Hazza
المليحة|Mliha
زبدين|Zibdin
ببيلا|Babbila
صحنايا|Sahnaya|الصحناوي|Sahnawi
زاكية|Zakiyya
كناكر|Kanakir
سعسع|Sasa|السعسعي|Sasai
عرطوز|Artuz
قارة|Qara
فليطة|Flita
الرحيبة|Ruhayba|الرحيباني|Ruhaybani
منين|Minin
حلبون|Halbun
بقين|Buqqayn
دمر|Dummar
عدرا|Adra
النشابية|Nashabiyya
القيمرية|Qaymariyya
القنوات|Qanawat
ساروجة|Saruja|الساروجي|Saruji
حيان|Hayyan
نبل|Nubl
تادف|Tadif
مسكنة|Maskana
أخترين|Akhtarin
خناصر|Khanasir
جنديرس|Jindiris
الدانا|Dana
سرمدا|Sarmada
أرمناز|Armanaz
حيش|Hish
جرجناز|Jarjanaz
تلمنس|Talmanas
قميناس|Qminas
الفوعة|Fua|الفوعاني|Fuani
سنجار|Sinjar
دركوش|Darkush
كفرزيتا|Kafrzita
حلفايا|Halfaya|الحلفاوي|Halfawi
كرناز|Karnaz
زيدل|Zaydal
فيروزة|Fayruza|الفيروزي|Fayruzi
صدد|Sadad
داعل|Dail
إزرع|Izra
المزيريب|Mzayrib
الجيزة|Jiza
عتمان|Itman
غباغب|Ghabaghib
محجة|Mahajja
نصيب|Nasib
تسيل|Tsil
هجين|Hajin
الشحيل|Shuhayl
البصيرة|Busayra
ذيبان|Dhiban
سلوك|Saluk
معدان|Madan
صلنفة|Slinfa
الدريكيش|Draykish
القدموس|Qadmus
صلخد|Salkhad
أنطاكية|Antakya|الأنطاكي|Antaki
حران|Harran
تكريت|Tikrit
الأنبار|Anbar
عانة|Ana|العاني|Ani
هيت|Hit
الحلة|Hilla|الحلي|Hilli
الإسكندرية|Iskandariyya|الإسكندراني|Iskandarani
دمياط|Dumyat
المدينة|Madina|المدني|Madani
مكة|Makka|المكي|Makki
الطائف|Taif
نجد|Najd
حضرموت|Hadramawt|الحضرمي|Hadrami
عمان|Uman|العماني|Umani
صور|Sur
زحلة|Zahla
عكار|Akkar
الشوف|Shuf
جزين|Jizzin
قبرص|Qubrus
السودان|Sudan
الحبشة|Habasha|الحبشي|Habashi
الهند|Hind
الأفغان|Afghan
بخارى|Bukhara|البخاري|Bukhari
كابل|Kabul
العجم|Ajam
فارس|Fars|الفارسي|Farisi
الروم|Rum
ألبانيا|Albaniya|الألباني|Albani
البوسنة|Busna|البوسني|Busni
كريت|Krit|الكريدي|Kridi
كفرعويد|Kafruwayd
حاس|Has
الهبيط|Hubayt
معصران|Masran|المعصراني|Masrani
محمبل|Muhambal
كورين|Kurin
النيرب|Nayrab
طعوم|Taum
زردنا|Zardana
الحاضر|Hadir
السقيلبية|Suqaylabiyya
سلحب|Salhab
شيزر|Shayzar
جورين|Jurin
مهين|Mahin
الزعفرانة|Zafarana|الزعفراني|Zafarani
الجوسية|Jusiyya
زيزون|Zayzun
الكحيل|Kuhayl
القورية|Quriyya
الدرباسية|Darbasiyya
رميلان|Rumaylan
أرواد|Arwad
الحميدية|Hamidiyya
نجران|Najran
لوبية|Lubya|اللوباني|Lubani
صفورية|Saffuriyya
الطيرة|Tira|الطيراوي|Tirawi
الخالصة|Khalisa|الخالصي|Khalisi
بيسان|Baysan
الجليل|Jalil
حطين|Hittin
يبنا|Yibna
المجدل|Majdal|المجدلاوي|Majdalawi
عسقلان|Asqalan|العسقلاني|Asqalani
قلقيلية|Qalqilya
الهرمل|Hirmil
البترون|Batrun
جبيل|Jubayl
كسروان|Kisrawan|الكسرواني|Kisrawani
سامراء|Samarra|السامرائي|Samarrai
الكوفة|Kufa|الكوفي|Kufi
النجف|Najaf
كربلاء|Karbala|الكربلائي|Karbalai
الفلوجة|Falluja|الفلوجي|Fallouji
تلعفر|Talafar
أربيل|Arbil
قونية|Quniya|القونوي|Qunawi
نصيبين|Nusaybin
الرها|Ruha|الرهاوي|Ruhawi
ملاطية|Malatya|الملطي|Malati
سعرت|Siirt|السعردي|Siirdi
الصعيد|Said
أسيوط|Asyut
الأحساء|Ahsa|الأحسائي|Ahsai
القصيم|Qasim|القصيمي|Qasimi
حائل|Hail
الجوف|Jawf
القرم|Qirim
سمرقند|Samarqand
شيراز|Shiraz
تبريز|Tabriz
أصفهان|Isfahan
خراسان|Khurasan
كاشغر|Kashghar
جاوة|Jawa|الجاوي|Jawi
"""

# Nisbas of the towns in tables.TOWNS that the rule gets wrong; '-' when the town gives none here.
TOWN_NISBA = {
    "دمشق": ("الدمشقي", "Dimashqi"),
    "حماة": ("الحموي", "Hamawi"),
    "دير الزور": ("الديري", "Dayri"),
    "اللاذقية": ("اللاذقاني", "Ladhiqani"),
    "دوما": ("الدوماني", "Dumani"),
    "داريا": ("الداراني", "Darani"),
    "حرستا": ("الحرستاني", "Harastani"),
    "زملكا": ("الزملكاني", "Zamalkani"),
    "المعضمية": ("المعضماني", "Muadamani"),
    "الزبداني": ("الزبداني", "Zabadani"),
    "السلمية": ("السلموني", "Salamuni"),
    "معرة النعمان": ("المعري", "Maarri"),
    "جسر الشغور": ("الجسري", "Jisri"),
    "بصرى الشام": ("البصراوي", "Busrawi"),
    "حريتان": ("الحريتاني", "Haritani"),
    "المزة": ("المزاوي", "Mazzawi"),
    "برزة": ("البرزاوي", "Barzawi"),
    "الرقة": ("الرقاوي", "Raqqawi"),
    "جبلة": ("الجبلاوي", "Jablawi"),
    "إعزاز": ("الإعزازي", "Azazi"),
    "سراقب": ("السراقبي", "Saraqbi"),
    "أريحا": ("الأريحاوي", "Arihawi"),
    "البوكمال": ("البوكمالي", "Bukamali"),
    "درعا": ("الدرعاوي", "Daraawi"),
}
TOWN_NO_NISBA = {
    "التل",
    "الباب",
    "تل رفعت",
    "القصير",
    "تلبيسة",
    "الرستن",
    "الحولة",
    "كفرنبودة",
    "مورك",
    "اللطامنة",
    "كفرنبل",
    "خان شيخون",
    "الصنمين",
    "إنخل",
    "جاسم",
    "الميادين",
    "الطبقة",
    "تل أبيض",
    "الحفة",
    "الحسكة",
    "القامشلي",
    "رأس العين",
    "القنيطرة",
    "خان أرنبة",
    "السويداء",
    "شهبا",
    "قدسيا",
}

# Nisbas to an ancestor (الخالدي, الأحمدي, الحمداني): given or old names (above or in
# tables.MALE_GIVEN) whose -ي form is a real family name.  Overrides where it is irregular.
ANCESTORS = """
خالد أحمد محمد محمود خليل إبراهيم يوسف إسماعيل إدريس سليمان جعفر جاسم منصور سلمان عامر ناصر صالح
سالم قاسم وائل هيثم عدنان غسان مازن رضوان مراد جمال زياد سعيد عماد فيصل حازم ماجد زبير بدر
كاظم سلطان نجم رشيد يونس هارون داود مبارك حامد راشد شاكر عواد قيس زيد سعد عون مسعود غانم عمار
نزار مروان هشام عزيز نبهان سويد عقيل طاهر مرزوق فاضل عادل نعمان قحطان كنان موسى عيسى
حماد جبر سهيل غالب جواد زاهر حارث مختار محفوظ عتيق حسان مطر خميس رجب عاشور كمال شعيب سليم
"""
ANCESTOR_NISBA = {"موسى": ("الموسوي", "Musawi"), "عيسى": ("العيسوي", "Isawi")}
# Euphrates clans named آل بو X (البوحسن Al-Bu Hasan).
ALBU = "حسن علي حمد خليل سالم عساف فرج كامل عاصي بدران عمر حسين سلطان جاسم محمد حمدان ظاهر نمر خلف عيسى"
ALBU_REGIONS = ("DEZ", "RAQ")
# Titles before a forefather's name (الحاج حسين, الشيخ علي) and after it (حسن آغا).
HAJJ = (
    "أحمد حسين حسن محمد عمر إبراهيم يوسف خليل قاسم صالح موسى عبيد حمود بكري علي مصطفى عثمان"
    " سليمان عيسى محمود ياسين حمدان رشيد"
)
SHAYKH = "علي أحمد حسن محمد يوسف موسى عثمان خليل عيسى إبراهيم ديب سليمان حمود عمر حسين محمود صالح قاسم نجيب"
AGHA = "حسن علي عثمان مصطفى محمد أحمد إبراهيم خليل عمر يوسف"
# The long tail: every forefather's name (given or old) also gives, less often, الحاج X, الشيخ X,
# البوX (on the Euphrates) and the nisba الXي, where the -ي form reads as a name.
NO_NISBA = {"جهاد", "سامر", "فادي"}  # الجهادي, السامري (Samaritan) read as other words
# Old names still given to boys (the long tail of men's given names); not the diminutives.
NOT_GIVEN = {"عبدو", "حمدو", "عبيدو", "حمودة", "خلوف", "شحود", "حسين علي", "عليوي", "فاعور", "سعدون"}
ROOT_GIVEN_WEIGHT = 0.5  # per name, against 1-90 in tables.MALE_GIVEN

# Prior weight of each kind, before jitter (the hand table keeps its own weights, scaled).
PRIOR = {
    "hand": 3.0,  # times the hand weight (1-14): the commonest names stay on top
    "given_article": 0.9,  # times sqrt(given weight)
    "given_bare": 0.55,
    "given_abu": 0.3,
    "root_article": 0.8,
    "root_bare": 0.5,
    "root_abu": 0.25,
    "other": 0.8,
    "trade": 1.0,
    "trade_bare": 0.4,
    "clan": 1.6,
    "minority": 0.5,
    "nisba": 0.6,
    "ancestor": 0.5,
    "albu": 0.7,
    "compound_bare": 0.35,
    "title": 0.5,
    "tail": 0.22,
    "town_nisba": 0.9,
}
ABU_SPELLINGS = ("Abu", "Abou", "Abo")


def _parse(table: str) -> list[list[str]]:
    return tables.parse(table)


def _article(ar: str) -> bool:
    return ar.startswith("ال") and not ar.startswith("الله")


def _latin_join(canonical: str) -> str:
    return canonical.replace("'", "")


def nisba(place_ar: str, place_latin: str) -> tuple[str, str]:
    """The family name that says "from this place", by the regular rule.

    Arabic: drop the article; -ية becomes -ي (حمورية -> الحموري), ة or a final alif becomes -اوي
    (الرقة -> الرقاوي, درعا -> الدرعاوي), otherwise add ي (حلب -> الحلبي); then the article.
    Latin likewise: Raqqa -> Raqqawi, Daraa -> Daraawi, Halab -> Halabi.  Multi-word places need
    an override.
    """
    ar = place_ar[2:] if place_ar.startswith("ال") else place_ar
    latin = place_latin
    for prefix in ("Al-", "Ar-", "As-", "At-", "Ad-", "Az-", "Ash-", "An-", "Al "):
        if latin.startswith(prefix):
            latin = latin[len(prefix) :]
    if ar.endswith("ية") and len(ar) > 4:
        ar_n = ar[:-1]  # الحميدية -> الحميدي
        for end in ("iyyah", "iyya", "iyeh", "iyah", "iya", "ieh", "yya", "ia"):
            if latin.endswith(end):
                latin = latin[: -len(end)]
                break
        latin_n = latin + "i"
    elif ar.endswith("ة"):
        ar_n = ar[:-1] + "اوي"
        for end in ("ah", "eh", "a", "e"):
            if latin.endswith(end):
                latin = latin[: -len(end)]
                break
        latin_n = latin + "awi"
    elif ar.endswith("ى"):
        ar_n = ar[:-1] + "اوي"
        latin_n = (latin[:-1] if latin.endswith("a") else latin) + "awi"
    elif ar.endswith("ا"):
        ar_n = ar + "وي"
        latin_n = latin + "wi"
    else:
        ar_n = ar + "ي"
        latin_n = latin + "i"
    return "ال" + ar_n, latin_n


def _nisba_known(latin: str) -> str:
    """Known spellings of a nisba stem: Halabi, Halaby."""
    out = [latin]
    if latin.endswith("i"):
        out.append(latin[:-1] + "y")
    return ",".join(out)


def family_rows(male_given: list[list[str]], towns: list[list[str]]) -> list[FamilyRow]:
    """Every family name once (first kind wins), with its prior weight before jitter."""
    rows: dict[str, FamilyRow] = {}

    def add(ar: str, canonical: str, known: str, prior: float, regions: tuple[str, ...] = ()) -> None:
        if ar not in rows and prior > 0:
            article = _article(ar)
            rows[ar] = FamilyRow(ar, canonical, article, known or canonical, prior, regions)

    canon: dict[str, tuple[str, str]] = {}
    for ar, canonical, weight, article, known in _parse(tables.FAMILY):
        rows[ar] = FamilyRow(ar, canonical, article == "1", known, PRIOR["hand"] * float(weight))
        canon[ar[2:] if article == "1" else ar] = (canonical, known)

    def from_name(ar: str, canonical: str, known: str, scale: float, kind: str) -> None:
        spellings = [k.strip() for k in known.split(",") if k.strip()]
        abu = ",".join(f"{p} {k}" for p in ABU_SPELLINGS for k in spellings[:2])
        add("ال" + ar, canonical, ",".join(spellings), PRIOR[f"{kind}_article"] * scale)
        add(ar, canonical, ",".join(spellings), PRIOR[f"{kind}_bare"] * scale)
        add("أبو " + ar, f"Abu {canonical}", abu, PRIOR[f"{kind}_abu"] * scale)

    forenames: list[tuple[str, str, str]] = []
    for ar, canonical, weight, known in male_given:
        canon[ar] = (canonical, known)
        forenames.append((ar, canonical, known))
        if " " not in ar:
            from_name(ar, canonical, known, float(weight) ** 0.5, "given")
        else:  # عبد الكريم, نور الدين as family names
            add(ar, canonical, known, PRIOR["compound_bare"] * float(weight) ** 0.5)
    for ar, canonical, known in _parse(ROOTS):
        canon.setdefault(ar, (canonical, known))
        forenames.append((ar, canonical, known))
        if " " in ar:
            add(ar, canonical, known, PRIOR["root_bare"])
        else:
            from_name(ar, canonical, known, 1.0, "root")

    # Clans before the rest, so that a clan name keeps its regions.
    for ar, canonical, known, regions in _parse(CLANS):
        if ar in rows:
            rows[ar] = FamilyRow(**{**_asdict(rows[ar]), "regions": tuple(regions.split())})
        else:
            add(ar, canonical, known, PRIOR["clan"], tuple(regions.split()))
    for row in _parse(MINORITIES):
        ar, canonical, known, regions = row
        if ar in rows:
            rows[ar] = FamilyRow(**{**_asdict(rows[ar]), "regions": tuple(regions.split())})
        else:
            add(ar, canonical, known, PRIOR["minority"], tuple(regions.split()))
    for row in _parse(OTHER):
        ar, canonical, known = row[:3]
        regions = tuple(row[3].split()) if len(row) > 3 else ()
        if ar in rows and regions and not rows[ar].regions:
            rows[ar] = FamilyRow(**{**_asdict(rows[ar]), "regions": regions})
        add(ar, canonical, known, PRIOR["other"], regions)
    for ar, canonical, known in _parse(TRADES):
        bare = ar.endswith("*")
        ar = ar.rstrip("*")
        add(ar, canonical, known, PRIOR["trade"])
        if bare:
            add(ar[2:], canonical, known, PRIOR["trade_bare"])

    for word in ANCESTORS.split():
        canonical = canon[word][0]
        n_ar, n_la = ANCESTOR_NISBA.get(word) or ("ال" + word + "ي", canonical + "i")
        add(n_ar, n_la, _nisba_known(n_la), PRIOR["ancestor"])
    for word in ALBU.split():
        canonical, known = canon[word]
        first = known.split(",")[0].strip()
        add("البو" + word, f"Bu {canonical}", f"Bu {first},Bou {first}", PRIOR["albu"], ALBU_REGIONS)

    for word in HAJJ.split():
        canonical, known = canon[word]
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"الحاج {word}",
            f"Hajj {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Haj", "Hajj")),
            PRIOR["title"],
        )
    for word in SHAYKH.split():
        canonical, known = canon[word]
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"الشيخ {word}",
            f"Shaykh {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Sheikh", "Cheikh")),
            PRIOR["title"],
        )
    for word in AGHA.split():
        canonical, known = canon[word]
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"{word} آغا",
            f"{canonical} Agha",
            ",".join(f"{k} {a}" for k in ks for a in ("Agha", "Aga")),
            PRIOR["title"],
        )

    tail = PRIOR["tail"]
    for ar, canonical, known in forenames:
        if " " in ar:
            continue
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"الحاج {ar}",
            f"Hajj {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Haj", "Hajj")),
            tail,
        )
        add(
            f"الشيخ {ar}",
            f"Shaykh {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Sheikh", "Cheikh")),
            tail,
        )
        add("البو" + ar, f"Bu {canonical}", f"Bu {ks[0]},Bou {ks[0]}", tail, ALBU_REGIONS)
        if ar[-1] not in "يىاةوء" and ar not in NO_NISBA:
            n_la = canonical + "i"
            add("ال" + ar + "ي", n_la, _nisba_known(n_la), tail)

    for _gov, ar, latin, _weight in towns:
        if ar in TOWN_NO_NISBA:
            continue
        n_ar, n_la = TOWN_NISBA.get(ar) or nisba(ar, latin.split(",")[0].strip())
        add(n_ar, n_la, _nisba_known(n_la), PRIOR["town_nisba"])
    for row in _parse(PLACES):
        if row[1] == "-":
            continue
        n_ar, n_la = (row[2], row[3]) if len(row) >= 4 else nisba(row[0], row[1])
        add(n_ar, n_la, _nisba_known(n_la), PRIOR["nisba"])
    return list(rows.values())


def given_tail(male_given: list[list[str]]) -> list[list[str]]:
    """Old names still given to boys, as rows of tables.MALE_GIVEN (arabic|canonical|weight|known)."""
    have = {r[0] for r in male_given}
    out = []
    for ar, canonical, known in _parse(ROOTS):
        if ar not in have and ar not in NOT_GIVEN and " " not in ar:
            out.append([ar, canonical, str(ROOT_GIVEN_WEIGHT), known])
            have.add(ar)
    return out


def _asdict(row: FamilyRow) -> dict:
    return {f: getattr(row, f) for f in FamilyRow.__slots__}


def zipf_probs(priors: list[float], seed: int = 20240602) -> np.ndarray:
    """Zipf probabilities by rank of prior weight times a fixed log-normal jitter."""
    rng = random.Random(seed)  # fixed: the lexicon must not depend on the caller's seed
    score = np.array([p * np.exp(rng.gauss(0.0, JITTER)) for p in priors])
    order = np.argsort(-score, kind="stable")
    p = np.empty(len(priors))
    p[order] = (np.arange(1, len(priors) + 1) + ZIPF_Q) ** -ZIPF_S
    return p / p.sum()
