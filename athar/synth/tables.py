"""Name and place tables for the synthetic population.

Compiled by the Athar project from general knowledge of common Syrian names, places and the
ways they are spelled in Latin script (English-style officials' spellings, French spellings of
families living in France, NGO transcriptions).  No personal data was used.  Weights are rough
relative frequencies chosen by hand to give a Zipf-like distribution (محمد very common, a long
tail of rarer names); they are not measurements.

Line formats (``|``-separated, one entry per line):

* given names: ``arabic|canonical latin|weight|known spellings, comma-separated``
* family names: ``arabic|canonical latin stem|weight|has article (1/0)|known stem spellings``
  (the commonest names only; ``athar.synth.surnames`` adds thousands more and sets the frequencies:
  these weights only rank the hand-listed names among them)
  (for names with the article, ``arabic`` includes ال and the Latin stem excludes it; the article is
  added by rules: Al-Hamoud, Alhamoud, El Hamoud, Hamoud ...)
* towns: ``governorate key|arabic|latin spellings, comma-separated (first is canonical)|weight``
"""

MALE_GIVEN = """
محمد|Muhammad|90|Mohammad,Mohammed,Muhammad,Mohamad,Mohamed,Muhammed,Mohammed,Mohamad,Mouhamad,Mhd,Mohd
أحمد|Ahmad|45|Ahmad,Ahmed,Ahmad,Ahmed
محمود|Mahmud|20|Mahmoud,Mahmood,Mahmud,Mahmod
عبد الله|Abd Allah|16|Abdullah,Abdallah,Abdulla,Abd Allah,Abdellah,Abdalla,Abdullah
علي|Ali|16|Ali,Aly,Ali
عبد الرحمن|Abd al-Rahman|12|Abdulrahman,Abdul Rahman,Abd al-Rahman,Abdel Rahman,Abdurrahman,Abdelrahman
خالد|Khalid|12|Khaled,Khalid,Khaled,Khalled
حسن|Hasan|11|Hasan,Hassan,Hassan,Hassen
عمر|Umar|11|Omar,Omar,Umar,Omer,Oumar
حسين|Husayn|9|Hussein,Hussain,Husain,Hussien,Husein,Houssein
مصطفى|Mustafa|9|Mustafa,Mostafa,Moustafa,Mustapha,Moustapha
يوسف|Yusuf|9|Yousef,Youssef,Yusuf,Yousif,Yosef,Yusef
إبراهيم|Ibrahim|9|Ibrahim,Ebrahim,Ibraheem,Brahim
عمار|Ammar|6|Ammar,Amar,Ammar
حمزة|Hamza|6|Hamza,Hamzeh,Hamzah,Hamze
أيمن|Ayman|5|Ayman,Aymen,Aiman
أنس|Anas|5|Anas,Anass,Annas
بلال|Bilal|5|Bilal,Belal,Bilal
باسل|Basil|5|Bassel,Basel,Basil,Bassil
وليد|Walid|5|Walid,Waleed,Walid,Oualid
ياسر|Yasir|5|Yaser,Yasser,Yasir,Yassir
سامر|Samir|4|Samer,Samer,Samer
جمال|Jamal|4|Jamal,Jamal,Gamal
زياد|Ziyad|4|Ziad,Ziyad,Zeyad,Ziad
سعيد|Said|4|Saeed,Said,Saeid,Sa'id
سليمان|Sulayman|4|Suleiman,Sulaiman,Sleiman,Soliman,Sulayman
طارق|Tariq|4|Tarek,Tareq,Tariq,Tarik
عبد الكريم|Abd al-Karim|4|Abdulkarim,Abdul Karim,Abd al-Karim,Abdel Karim,Abdelkarim,Abdulkareem
عبد القادر|Abd al-Qadir|4|Abdulkader,Abdul Kader,Abd al-Qadir,Abdel Kader,Abdelkader,Abdulqader,Abdulkadir
عماد|Imad|4|Imad,Emad,Imad
فادي|Fadi|4|Fadi,Fadi,Fady
فراس|Firas|4|Firas,Feras,Firas
ماهر|Mahir|4|Maher,Maher,Mahir
مازن|Mazin|4|Mazen,Mazen,Mazin
معاذ|Muadh|4|Moaz,Muaz,Muath,Mouaz,Muadh,Moath
مهند|Muhannad|4|Mohannad,Muhannad,Mohanad,Mouhannad
هيثم|Haytham|4|Haitham,Haytham,Haysam,Heitham
وائل|Wail|4|Wael,Wael,Wail,Wa'el
يحيى|Yahya|4|Yahya,Yehya,Yahia,Yahya
رامي|Rami|4|Rami,Rami,Ramy
عدنان|Adnan|4|Adnan,Adnan,Adnane
علاء|Ala|4|Alaa,Ala,Alaa,Alaa
ناصر|Nasir|4|Nasser,Naser,Nasir
حسام|Husam|4|Hussam,Husam,Hossam,Houssam
خليل|Khalil|4|Khalil,Khaleel,Khalil
أسامة|Usama|4|Osama,Usama,Ousama,Oussama,Osameh
صالح|Salih|4|Saleh,Salih,Saleh,Saleh
عبد العزيز|Abd al-Aziz|3|Abdulaziz,Abdul Aziz,Abd al-Aziz,Abdel Aziz,Abdelaziz
عبد الرزاق|Abd al-Razzaq|3|Abdulrazzak,Abdul Razzaq,Abd al-Razzaq,Abdelrazak,Abdulrazaq,Abdelrazzak
عبد الحميد|Abd al-Hamid|3|Abdulhamid,Abdul Hamid,Abd al-Hamid,Abdel Hamid,Abdelhamid
عبد السلام|Abd al-Salam|3|Abdulsalam,Abdul Salam,Abd al-Salam,Abdel Salam,Abdessalam,Abdussalam
غسان|Ghassan|3|Ghassan,Ghasan,Ghassan
فيصل|Faysal|3|Faisal,Faysal,Feisal,Fayssal
قاسم|Qasim|3|Kassem,Qasim,Qassem,Kasem,Qassim
كريم|Karim|3|Karim,Kareem,Karim
مالك|Malik|3|Malek,Malik,Malik
محمد علي|Muhammad Ali|3|Mohammad Ali,Mohammed Ali,Muhammad Ali,Mhd Ali,Mohamad Ali
محمد خير|Muhammad Khayr|3|Mohammad Khair,Mohammed Kheir,Muhammad Khayr,Mhd Khair,Mohamad Khayr
محمد نور|Muhammad Nur|2|Mohammad Nour,Mohammed Nour,Muhammad Nur,Mhd Nour
نبيل|Nabil|3|Nabil,Nabeel,Nabil
نور الدين|Nur al-Din|3|Nour Eddin,Nour al-Din,Noureddine,Nureddin,Nour El Din,Nuruddin,Nour Aldeen
هاني|Hani|3|Hani,Hany,Hani
رضوان|Ridwan|3|Radwan,Ridwan,Redwan,Rudwan
رائد|Raid|3|Raed,Raid,Ra'ed
زكريا|Zakariya|3|Zakaria,Zakariya,Zakariyya,Zakaria
سمير|Samir|3|Samir,Sameer,Samir
صلاح|Salah|3|Salah,Salah,Slah
عثمان|Uthman|3|Othman,Osman,Uthman,Outhman
مجد|Majd|3|Majd,Majd,Mejd
مراد|Murad|3|Murad,Mourad,Morad
موسى|Musa|3|Mousa,Musa,Moussa,Mosa
نزار|Nizar|3|Nizar,Nezar,Nizar
هشام|Hisham|3|Hisham,Hesham,Hicham
وسيم|Wasim|3|Wassim,Wasim,Waseem
ياسين|Yasin|3|Yassin,Yasin,Yaseen,Yacine
جهاد|Jihad|3|Jihad,Jehad,Jihad
حازم|Hazim|3|Hazem,Hazim,Hazem
رياض|Riyad|3|Riad,Riyad,Riyadh,Riad
سالم|Salim|3|Salem,Salem,Salim
شادي|Shadi|3|Shadi,Shady,Chadi
عصام|Isam|3|Issam,Isam,Essam
فارس|Faris|3|Fares,Faris,Fares
ماجد|Majid|3|Majed,Majid,Maged
مروان|Marwan|3|Marwan,Marwan,Marouane
عامر|Amir|3|Amer,Amir,Aamer
إياد|Iyad|3|Iyad,Eyad,Iyad,Ayad
عبد الغني|Abd al-Ghani|2|Abdulghani,Abdul Ghani,Abd al-Ghani,Abdel Ghani
عبد المجيد|Abd al-Majid|2|Abdulmajid,Abdul Majeed,Abd al-Majid,Abdel Majid,Abdulmajeed
عبد الباسط|Abd al-Basit|2|Abdulbaset,Abdul Basit,Abd al-Basit,Abdel Basset,Abdulbasit
عبد اللطيف|Abd al-Latif|2|Abdullatif,Abdul Latif,Abd al-Latif,Abdel Latif,Abdellatif
عبد الهادي|Abd al-Hadi|2|Abdulhadi,Abdul Hadi,Abd al-Hadi,Abdel Hadi
عبد الناصر|Abd al-Nasir|2|Abdulnasser,Abdul Nasser,Abd al-Nasir,Abdel Nasser,Abdennasser
عيسى|Isa|2|Issa,Isa,Eissa,Aissa
منذر|Mundhir|2|Munzer,Monzer,Munther,Mundhir,Monther
عمرو|Amr|2|Amr,Amro,Amru
فواز|Fawwaz|2|Fawaz,Fawwaz,Fawaz
قتيبة|Qutayba|2|Kutaiba,Qutaiba,Qutayba,Kutaybah
لؤي|Luay|2|Louai,Luay,Loay,Luai
محسن|Muhsin|2|Mohsen,Muhsin,Mohsin
منير|Munir|2|Munir,Mounir,Muneer
صبحي|Subhi|2|Subhi,Sobhi,Soubhi
غياث|Ghiyath|2|Ghiath,Ghiyath,Ghayath,Ghias
فايز|Fayiz|2|Fayez,Faiz,Fayiz
مأمون|Mamun|2|Mamoun,Mamun,Ma'moun,Maamoun
نضال|Nidal|2|Nidal,Nedal,Nidal
ثائر|Thair|2|Thaer,Thair,Thaer,Saer
أنور|Anwar|2|Anwar,Anouar,Anwer
أكرم|Akram|2|Akram,Akram,Akrem
بشير|Bashir|2|Bashir,Basheer,Bachir
توفيق|Tawfiq|2|Tawfik,Tawfiq,Tofik,Toufic
جميل|Jamil|2|Jamil,Jameel,Jamil
خضر|Khidr|2|Khader,Khidr,Khodr,Khudr
رشيد|Rashid|2|Rashid,Rasheed,Rachid
سفيان|Sufyan|2|Sufian,Sofian,Sufyan,Soufiane
شريف|Sharif|2|Sharif,Sherif,Shareef,Cherif
معتز|Mutazz|2|Moataz,Mutaz,Moutaz,Mu'tazz
مصعب|Musab|2|Musab,Mosab,Mus'ab,Mousab
نادر|Nadir|2|Nader,Nadir,Nader
هادي|Hadi|2|Hadi,Hady,Hadi
همام|Humam|2|Humam,Homam,Houmam
يامن|Yamin|2|Yamen,Yamin,Yamen
سامي|Sami|2|Sami,Samy,Sami
أيهم|Ayham|2|Ayham,Aiham,Ayham
بكر|Bakr|2|Bakr,Baker,Bakir
حيدر|Haydar|1|Haidar,Haydar,Hayder
ضياء|Diya|1|Diaa,Dia,Diyaa,Zia
عبد الجليل|Abd al-Jalil|1|Abduljalil,Abdul Jalil,Abd al-Jalil,Abdel Jalil
""".strip()

FEMALE_GIVEN = """
فاطمة|Fatima|20|Fatima,Fatma,Fatimah,Fatmeh,Fatme,Fatima
مريم|Maryam|10|Maryam,Mariam,Mariam,Meryem
خديجة|Khadija|8|Khadija,Khadijah,Khadija,Khadige
عائشة|Aisha|8|Aisha,Aysha,Aicha,Aishah,Ayesha
زينب|Zaynab|8|Zainab,Zeinab,Zaynab,Zineb
نور|Nur|6|Nour,Nur,Noor,Nour
آمنة|Amina|6|Amina,Amneh,Aminah,Amna,Emna
سارة|Sara|5|Sara,Sarah,Sara
إيمان|Iman|5|Iman,Eman,Iman
هدى|Huda|5|Huda,Hoda,Houda,Huda
سعاد|Suad|4|Suad,Souad,Soad,Su'ad
سميرة|Samira|4|Samira,Sameera,Samira,Samirah
منى|Muna|4|Mona,Muna,Mouna
رنا|Rana|4|Rana,Rana,Ranaa
ريم|Rim|4|Reem,Rim,Rima
هبة|Hiba|4|Hiba,Heba,Hibah,Hebah
أسماء|Asma|4|Asmaa,Asma,Asma'a
ليلى|Layla|4|Layla,Laila,Leila,Leyla
أمل|Amal|4|Amal,Amal,Amel
سلمى|Salma|3|Salma,Selma,Salma
رهف|Rahaf|3|Rahaf,Rahaf,Rehaf
جميلة|Jamila|3|Jamila,Jameela,Djamila,Jamileh
حليمة|Halima|3|Halima,Halimeh,Halimah
نادية|Nadia|3|Nadia,Nadya,Nadiya
وفاء|Wafa|3|Wafaa,Wafa,Wafa'a
سهام|Siham|3|Siham,Seham,Siham
عبير|Abir|3|Abir,Abeer,Abir
دعاء|Dua|3|Duaa,Doaa,Dua'a,Doua
رقية|Ruqayya|3|Ruqaya,Rukaya,Roukaya,Ruqayya,Rokaya
صفاء|Safa|3|Safaa,Safa,Safa'a
حنان|Hanan|3|Hanan,Hanane,Hanan
غادة|Ghada|3|Ghada,Ghadah,Ghada
ياسمين|Yasmin|3|Yasmin,Yasmine,Yasmeen,Jasmin
رشا|Rasha|3|Rasha,Racha,Rasha
بشرى|Bushra|3|Bushra,Boushra,Bochra
إسراء|Isra|3|Israa,Esraa,Isra
صباح|Sabah|3|Sabah,Sabah,Sabah
رغد|Raghad|2|Raghad,Raghad,Raghd
بتول|Batul|2|Batoul,Batul,Batool
لمى|Lama|2|Lama,Lamaa,Lama
نسرين|Nisrin|2|Nisreen,Nesrine,Nisrin,Nesreen
هيفاء|Hayfa|2|Haifa,Hayfa,Haifaa
نوال|Nawal|2|Nawal,Nawal,Naoual
فدوى|Fadwa|2|Fadwa,Fadoua,Fadwa
سوسن|Sawsan|2|Sawsan,Sawsan,Sausan
ماجدة|Majida|2|Majida,Majeda,Majdeh
خلود|Khulud|2|Kholoud,Khulud,Khouloud
هالة|Hala|2|Hala,Hala,Hala
آلاء|Ala|2|Alaa,Ala'a,Alaa
شهد|Shahd|2|Shahd,Shahed,Chahd
تسنيم|Tasnim|2|Tasnim,Tasneem,Tasnim
سناء|Sana|2|Sanaa,Sana,Sana'a
نعيمة|Naima|2|Naima,Naeema,Naimeh
كوثر|Kawthar|2|Kawthar,Kawsar,Kaouthar
رجاء|Raja|2|Rajaa,Raja,Raja'a
نجاح|Najah|2|Najah,Najah,Nejah
وداد|Widad|2|Widad,Wedad,Ouidad
عفاف|Afaf|2|Afaf,Afaf,Afef
""".strip()

FAMILY = """
الأحمد|Ahmad|14|1|Ahmad,Ahmed
المحمد|Muhammad|14|1|Mohammad,Mohammed,Mohamad,Muhammad
العلي|Ali|10|1|Ali
الحسن|Hasan|8|1|Hassan,Hasan
الحسين|Husayn|7|1|Hussein,Hussain,Husein
الخطيب|Khatib|7|1|Khatib,Khateeb
الحمود|Hamud|6|1|Hamoud,Hammoud,Hamod,Hamud
الزعبي|Zubi|6|1|Zoubi,Zuabi,Zoabi,Zubi
المقداد|Miqdad|4|1|Mikdad,Meqdad,Miqdad
الحريري|Hariri|4|1|Hariri,Hariri,Harery
المسالمة|Masalma|3|1|Masalmeh,Masalma,Msalmeh
الحوراني|Hawrani|3|1|Hourani,Horani,Hawrani
الشامي|Shami|4|1|Shami,Chami,Shamy
الحلبي|Halabi|4|1|Halabi,Halabi,Halaby
المصري|Misri|4|1|Masri,Misri,Masri
الحمصي|Himsi|3|1|Homsi,Himsi,Hemsi
الإدلبي|Idlibi|2|1|Idlibi,Edlibi,Idelbi
الحموي|Hamawi|3|1|Hamwi,Hamawi,Hamoui
العمر|Umar|5|1|Omar,Omer,Umar
الصالح|Salih|5|1|Saleh,Salih
الجاسم|Jasim|5|1|Jasem,Jassem,Jasim
الخليل|Khalil|4|1|Khalil
العبد الله|Abd Allah|5|1|Abdullah,Abdallah,Abdulla
الشيخ|Shaykh|4|1|Sheikh,Shaikh,Cheikh,Sheikh
السيد|Sayyid|3|1|Sayed,Sayyed,Saied
الخالد|Khalid|4|1|Khaled,Khalid
العثمان|Uthman|3|1|Othman,Osman
الدالاتي|Dalati|2|1|Dalati,Dalaty
الأتاسي|Atasi|2|1|Atassi,Atasi
السباعي|Sibai|2|1|Sibai,Sebai,Sibaei
الدروبي|Durubi|2|1|Droubi,Drobi,Durubi
الجندي|Jundi|3|1|Jundi,Jendi,Joundi
النعيمي|Nuaymi|2|1|Nuaimi,Naimi,Nuaymi
الحلاق|Hallaq|3|1|Hallak,Hallaq,Halak
النجار|Najjar|4|1|Najjar,Najar,Nagar
الحداد|Haddad|3|1|Haddad,Hadad
الخياط|Khayyat|3|1|Khayat,Khayyat,Khaiat
العطار|Attar|3|1|Attar,Atar
الطحان|Tahhan|2|1|Tahhan,Tahan
الدباغ|Dabbagh|2|1|Dabbagh,Dabagh
الكردي|Kurdi|3|1|Kurdi,Kurdy,Kordi
التركماني|Turkmani|2|1|Turkmani,Torkmani
البكور|Bakkur|2|1|Bakour,Bakkour,Bakur
الرفاعي|Rifai|3|1|Rifai,Refai,Rifaie
العبيد|Ubayd|3|1|Obaid,Obeid,Ubaid
الفارس|Faris|3|1|Fares,Fares,Faris
الموسى|Musa|3|1|Mousa,Moussa,Musa
العيسى|Isa|3|1|Issa,Eissa,Isa
الحسيني|Husayni|2|1|Husseini,Husaini,Hosseini
الرحال|Rahhal|2|1|Rahhal,Rahal
الحاج علي|Hajj Ali|2|1|Haj Ali,Hajj Ali,Hajali
الأسعد|Asad|2|1|Asaad,As'ad,Asad
البيطار|Baytar|2|1|Bitar,Baytar,Beitar
حمود|Hammud|4|0|Hammoud,Hamoud,Hamod
درويش|Darwish|4|0|Darwish,Darwiche,Derwish
قاسم|Qasim|3|0|Kassem,Qasem,Qasim
شحادة|Shahada|3|0|Shehadeh,Chehade,Shahada,Shhadeh
حداد|Haddad|3|0|Haddad,Hadad
خليل|Khalil|3|0|Khalil,Khaleel
يوسف|Yusuf|3|0|Yousef,Youssef,Yusuf
سليمان|Sulayman|3|0|Suleiman,Sleiman,Sulaiman
عثمان|Uthman|2|0|Othman,Osman,Uthman
زيدان|Zaydan|2|0|Zaidan,Zeidan,Zaydan
دياب|Diyab|2|0|Diab,Diyab,Dyab
عباس|Abbas|2|0|Abbas,Abas
طه|Taha|2|0|Taha,Taha
بكار|Bakkar|2|0|Bakkar,Bakar
قدور|Qaddur|2|0|Kaddour,Qaddour,Kadour
حجازي|Hijazi|2|0|Hijazi,Hejazi,Hegazi
سويد|Suwayd|2|0|Sweid,Suwaid,Souaid
غنام|Ghannam|2|0|Ghannam,Ghanam
شاكر|Shakir|2|0|Shaker,Shakir,Chaker
مراد|Murad|2|0|Mourad,Murad,Morad
عرنوس|Arnus|1|0|Arnous,Arnus
دعبول|Dabul|1|0|Dabboul,Daaboul,Dabul
خضور|Khaddur|2|0|Khaddour,Khadour,Khaddur
حيدر|Haydar|2|0|Haidar,Haydar,Hayder
إسماعيل|Ismail|2|0|Ismail,Ismael,Esmail
بدران|Badran|2|0|Badran,Badran
شعبان|Shaban|2|0|Shaaban,Shaban,Chaabane
رمضان|Ramadan|2|0|Ramadan,Ramadan,Ramdan
برهوم|Barhum|1|0|Barhoum,Barhum
ضاهر|Dahir|2|0|Daher,Dahir,Zaher
مصطفى|Mustafa|3|0|Mustafa,Moustafa,Mostafa
طعمة|Tumeh|1|0|Tohme,Tohmeh,Tumeh,Taameh
أبو زيد|Abu Zayd|2|0|Abu Zeid,Abou Zeid,Abu Zaid,Abuzaid
أبو عمر|Abu Umar|1|0|Abu Omar,Abou Omar,Abuomar
أبازيد|Abazid|3|0|Abazeed,Abazid,Abazaid
كنعان|Kanan|2|0|Kanaan,Kanan,Canaan
ياسين|Yasin|2|0|Yassin,Yasin,Yaseen
عبيد|Ubayd|2|0|Obeid,Ubaid,Obaid
نصار|Nassar|2|0|Nassar,Nasar
الطويل|Tawil|2|1|Tawil,Taweel,Tawil
الخضر|Khidr|2|1|Khodr,Khider,Khudr
""".strip()

# Governorates: key|arabic|latin spellings|share of the missing (rough, by conflict exposure)
GOVERNORATES = """
DAM|دمشق|Damascus,Dimashq,Damas|8
RDM|ريف دمشق|Rif Dimashq,Rural Damascus,Reef Dimashq,Damascus Countryside|16
ALE|حلب|Aleppo,Halab,Alep|14
HMS|حمص|Homs,Hims,Homs|12
HMA|حماة|Hama,Hamah,Hamat|8
IDL|إدلب|Idlib,Idleb,Edlib|9
DRA|درعا|Daraa,Dar'a,Deraa,Deraa|11
DEZ|دير الزور|Deir ez-Zor,Deir al-Zour,Deir Ezzor,Dayr az-Zawr|7
RAQ|الرقة|Raqqa,Al-Raqqah,Rakka|4
LAT|اللاذقية|Latakia,Lattakia,Al-Ladhiqiyah,Lattaquie|3
TAR|طرطوس|Tartus,Tartous,Tartouss|1
HSK|الحسكة|Hasakah,Al-Hasakah,Hassakeh,Hasaka|3
QUN|القنيطرة|Quneitra,Al-Qunaytirah,Kuneitra|1
SWD|السويداء|Suwayda,As-Suwayda,Sweida,Soueida|1
""".strip()

# Towns: governorate key|arabic|latin spellings|weight within governorate
TOWNS = """
DAM|دمشق|Damascus,Damas,Dimashq|10
DAM|المزة|Mezzeh,Al-Mazzeh,Mazza|3
DAM|القابون|Qaboun,Al-Qaboun,Kaboun|3
DAM|برزة|Barzeh,Barza,Berzeh|3
DAM|الميدان|Al-Midan,Midan,Al-Maidan|2
DAM|جوبر|Jobar,Jawbar,Djobar|2
RDM|دوما|Douma,Duma,Doumah|8
RDM|داريا|Darayya,Daraya,Daria|7
RDM|التل|Al-Tall,Al-Tal,Tall,At-Tall|4
RDM|حرستا|Harasta,Harasta,Harista|4
RDM|زملكا|Zamalka,Zamalka,Zamelka|3
RDM|عربين|Arbin,Irbin,Arbeen|3
RDM|المعضمية|Moadamiyeh,Al-Muadamiyah,Mouadamiya|4
RDM|الزبداني|Zabadani,Al-Zabadani,Zabadany|3
RDM|يبرود|Yabroud,Yabrud,Yabroud|2
RDM|قدسيا|Qudsaya,Kudsaya,Qudsayya|2
ALE|حلب|Aleppo,Halab,Alep|12
ALE|منبج|Manbij,Menbij,Manbej|4
ALE|الباب|Al-Bab,Al Bab,Bab|4
ALE|عندان|Anadan,Andan,Anadan|2
ALE|تل رفعت|Tal Rifaat,Tell Rifaat,Tal Refaat|2
ALE|إعزاز|Azaz,A'zaz,Aazaz|3
ALE|حريتان|Haritan,Hreitan,Huraytan|1
HMS|حمص|Homs,Hims,Homs|10
HMS|القصير|Al-Qusayr,Qusair,Al-Qusair,Kusair|4
HMS|تلبيسة|Talbiseh,Talbisah,Telbisa|3
HMS|الرستن|Al-Rastan,Rastan,Ar-Rastan|4
HMS|تلكلخ|Tall Kalakh,Tal Kalakh,Talkalakh|2
HMS|الحولة|Al-Houla,Houla,Al-Hula|3
HMA|حماة|Hama,Hamah,Hamat|10
HMA|كفرنبودة|Kafr Nabudah,Kafrnabouda,Kafr Nboudeh|2
HMA|مورك|Morek,Murak,Mourek|2
HMA|اللطامنة|Al-Lataminah,Latamneh,Lataminah|2
HMA|السلمية|Salamiyah,Salamieh,As-Salamiyah|2
IDL|إدلب|Idlib,Idleb,Edlib|6
IDL|معرة النعمان|Maarat al-Numan,Maarrat al-Nu'man,Maaret Al Numan,Ma'arat an-Nu'man|5
IDL|جسر الشغور|Jisr al-Shughur,Jisr ash-Shughur,Jisr Al Shoghour|4
IDL|سراقب|Saraqib,Saraqeb,Sarakeb|3
IDL|أريحا|Ariha,Areeha,Ariha|2
IDL|كفرنبل|Kafranbel,Kafr Nabl,Kafr Nubl|3
IDL|خان شيخون|Khan Shaykhun,Khan Sheikhoun,Khan Cheikhoun|2
DRA|درعا|Daraa,Dar'a,Deraa|8
DRA|الصنمين|Al-Sanamayn,Sanamein,As-Sanamayn|3
DRA|إنخل|Inkhil,Inkhel,Enkhel|3
DRA|طفس|Tafas,Tafas,Tafass|3
DRA|نوى|Nawa,Nawa,Nawa|3
DRA|بصرى الشام|Bosra,Busra al-Sham,Bosra ash-Sham|2
DRA|جاسم|Jasim,Jassem,Jasem|2
DRA|الحراك|Al-Hirak,Hrak,Al-Hrak|2
DEZ|دير الزور|Deir ez-Zor,Deir al-Zour,Deir Ezzor|8
DEZ|الميادين|Al-Mayadin,Mayadeen,Al-Mayadeen|3
DEZ|البوكمال|Al-Bukamal,Abu Kamal,Albukamal|3
DEZ|موحسن|Muhasan,Mohassan,Mouhassan|1
RAQ|الرقة|Raqqa,Al-Raqqah,Rakka|8
RAQ|الطبقة|Al-Tabqa,Tabqa,Al-Thawrah|3
RAQ|تل أبيض|Tell Abyad,Tal Abyad,Tal Abiad|2
LAT|اللاذقية|Latakia,Lattakia,Lattaquie|8
LAT|جبلة|Jableh,Jableh,Jabla|3
LAT|الحفة|Al-Haffah,Haffeh,Al-Haffa|1
TAR|طرطوس|Tartus,Tartous,Tartouss|6
TAR|بانياس|Baniyas,Banias,Banyas|4
HSK|الحسكة|Hasakah,Al-Hasakah,Hassakeh|6
HSK|القامشلي|Qamishli,Al-Qamishli,Kamishli|5
HSK|رأس العين|Ras al-Ayn,Ras al-Ain,Serekaniye|2
QUN|القنيطرة|Quneitra,Al-Qunaytirah,Kuneitra|4
QUN|خان أرنبة|Khan Arnabah,Khan Arnaba,Khan Arnabeh|3
SWD|السويداء|Suwayda,As-Suwayda,Sweida|6
SWD|شهبا|Shahba,Shahba,Chahba|2
""".strip()

# Places of detention named in registers (Arabic only: they come from Arabic-script registers).
BRANCHES = """
فرع 215|6
فرع فلسطين 235|6
سجن صيدنايا|5
فرع 227|4
فرع 248|3
فرع الخطيب 251|3
فرع 291|2
فرع الجوية - المزة|3
فرع 261 - حمص|2
فرع 290 - حلب|2
فرع 245 - درعا|2
سجن عدرا المركزي|2
""".strip()

# Hospitals and morgues that keep death logs (Latin, as written in the logs' English headers).
HOSPITALS = """
Tishreen Military Hospital|6
Harasta Military Hospital|4
Al-Mujtahid Hospital|3
Al-Mouwasat Hospital|2
Homs National Hospital|2
Aleppo University Hospital|2
Daraa National Hospital|2
Hama National Hospital|1
Idlib Field Hospital|1
Douma Field Hospital|1
""".strip()

# Where returnees were registered.
RETURN_POINTS = """
Jdeidet Yabous|5
Nasib Border Crossing|4
Damascus Airport|2
Bab al-Hawa|2
Al-Arida|1
Jousieh|1
""".strip()


def parse(table: str) -> list[list[str]]:
    """Split a ``|``-separated table into rows of stripped fields."""
    return [[f.strip() for f in line.split("|")] for line in table.splitlines() if line.strip()]
