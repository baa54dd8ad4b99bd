"""Japanese people, employers and share-house properties: the text the source system holds.

Pure functions of a random.Random instance, so the same seed always yields the same text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (kanji, kana, romaji)
SURNAMES = (
    ("佐藤", "サトウ", "Sato"), ("鈴木", "スズキ", "Suzuki"), ("高橋", "タカハシ", "Takahashi"),
    ("田中", "タナカ", "Tanaka"), ("伊藤", "イトウ", "Ito"), ("渡辺", "ワタナベ", "Watanabe"),
    ("山本", "ヤマモト", "Yamamoto"), ("中村", "ナカムラ", "Nakamura"), ("小林", "コバヤシ", "Kobayashi"),
    ("加藤", "カトウ", "Kato"), ("吉田", "ヨシダ", "Yoshida"), ("山田", "ヤマダ", "Yamada"),
    ("佐々木", "ササキ", "Sasaki"), ("山口", "ヤマグチ", "Yamaguchi"), ("松本", "マツモト", "Matsumoto"),
    ("井上", "イノウエ", "Inoue"), ("木村", "キムラ", "Kimura"), ("林", "ハヤシ", "Hayashi"),
    ("斎藤", "サイトウ", "Saito"), ("清水", "シミズ", "Shimizu"), ("山崎", "ヤマザキ", "Yamazaki"),
    ("森", "モリ", "Mori"), ("池田", "イケダ", "Ikeda"), ("橋本", "ハシモト", "Hashimoto"),
    ("阿部", "アベ", "Abe"), ("石川", "イシカワ", "Ishikawa"), ("前田", "マエダ", "Maeda"),
    ("藤田", "フジタ", "Fujita"), ("小川", "オガワ", "Ogawa"), ("岡田", "オカダ", "Okada"),
    ("後藤", "ゴトウ", "Goto"), ("長谷川", "ハセガワ", "Hasegawa"), ("村上", "ムラカミ", "Murakami"),
    ("近藤", "コンドウ", "Kondo"), ("坂本", "サカモト", "Sakamoto"), ("遠藤", "エンドウ", "Endo"),
    ("青木", "アオキ", "Aoki"), ("藤井", "フジイ", "Fujii"), ("西村", "ニシムラ", "Nishimura"),
    ("福田", "フクダ", "Fukuda"), ("太田", "オオタ", "Ota"), ("三浦", "ミウラ", "Miura"),
    ("岡本", "オカモト", "Okamoto"), ("松田", "マツダ", "Matsuda"), ("中川", "ナカガワ", "Nakagawa"),
)  # fmt: skip
MALE_NAMES = (
    ("翔太", "ショウタ", "Shota"), ("大輔", "ダイスケ", "Daisuke"), ("健太", "ケンタ", "Kenta"),
    ("拓也", "タクヤ", "Takuya"), ("直樹", "ナオキ", "Naoki"), ("亮", "リョウ", "Ryo"),
    ("大樹", "ダイキ", "Daiki"), ("悠斗", "ユウト", "Yuto"), ("蓮", "レン", "Ren"), ("颯太", "ソウタ", "Sota"),
    ("和也", "カズヤ", "Kazuya"), ("誠", "マコト", "Makoto"), ("隆", "タカシ", "Takashi"),
    ("智也", "トモヤ", "Tomoya"), ("海斗", "カイト", "Kaito"), ("陸", "リク", "Riku"),
)  # fmt: skip
FEMALE_NAMES = (
    ("美咲", "ミサキ", "Misaki"), ("陽菜", "ヒナ", "Hina"), ("さくら", "サクラ", "Sakura"),
    ("結衣", "ユイ", "Yui"), ("葵", "アオイ", "Aoi"), ("愛", "アイ", "Ai"), ("彩", "アヤ", "Aya"),
    ("真由美", "マユミ", "Mayumi"), ("恵", "メグミ", "Megumi"), ("優子", "ユウコ", "Yuko"),
    ("七海", "ナナミ", "Nanami"), ("舞", "マイ", "Mai"), ("花子", "ハナコ", "Hanako"), ("凛", "リン", "Rin"),
    ("芽衣", "メイ", "Mei"), ("千尋", "チヒロ", "Chihiro"),
)  # fmt: skip
# (nationality as the source writes it, surnames, given names) for foreign tenants; names in the source's mixed style.
FOREIGN = (
    ("中国", ("王", "李", "張", "劉", "陳"), ("偉", "芳", "静", "強", "敏")),
    ("韓国", ("キム", "イ", "パク", "チェ"), ("ミンジュン", "ソヨン", "ジウ", "ハヌル")),
    ("台湾", ("林", "黄", "陳", "呉"), ("怡君", "志明", "雅婷", "家豪")),
    ("ベトナム", ("グエン", "チャン", "レ", "ファム"), ("ヴァン・アン", "ティ・ラン", "ミン", "トゥアン")),
    ("アメリカ", ("Smith", "Johnson", "O'Brien", "Miller"), ("John", "Emily", "Michael", "Sarah")),
    ("フランス", ("Martin", "Dubois", "Lefèvre", "Moreau"), ("Léa", "Hugo", "Chloé", "Lucas")),
    ("ドイツ", ("Müller", "Schmidt", "Weber"), ("Jonas", "Anna", "Lukas")),
    ("イギリス", ("Brown", "Taylor", "O'Connor"), ("James", "Olivia", "Harry")),
    ("オーストラリア", ("Wilson", "Walker"), ("Jack", "Chloe")),
    ("ネパール", ("シュレスタ", "グルン", "タパ"), ("ラム", "シタ", "ビカス")),
    ("インドネシア", ("Putri", "Santoso"), ("Dewi", "Budi")),
    ("タイ", ("Suksawat", "Chaiyaporn"), ("Somchai", "Nok")),
    ("フィリピン", ("Santos", "Reyes", "Cruz"), ("Maria", "Jose", "Angel")),
)
UNKNOWN_NATIONALITY = "レソト"  # the source's placeholder for "unknown" (CONTRACT.md section 3)
DIRTY_TEXT = ("NULL", "null", "--", "")  # literal strings the source uses for unknown text

COMPANY_WORDS = (
    "サンライズ", "東京", "日本", "グローバル", "ミライ", "アオバ", "フジ", "セントラル", "ネクスト", "ヒカリ",
    "大和", "湾岸", "さくら", "アーク", "シンク",
)  # fmt: skip
COMPANY_SUFFIXES = (
    ("商事", 5), ("システムズ", 3), ("電機", 1), ("建設", 2), ("物流", 4), ("ホールディングス", 7),
    ("不動産", 8), ("フーズ", 9), ("メディカル", 10), ("テクノロジー", 3), ("銀行", 7), ("リテール", 6),
    ("エンジニアリング", 1), ("コンサルティング", 12),
)  # fmt: skip
SCHOOLS = (
    "早稲田大学", "慶應義塾大学", "東京大学", "明治大学", "法政大学", "日本大学", "東京外国語大学",
    "ヒューマンアカデミー日本語学校", "赤門会日本語学校", "KCP地球市民日本語学校", "東京デザイナー学院",
)  # fmt: skip
FREELANCE = ("フリーランス", "自営業", "個人事業主")

# Areas of the operator's properties: (name_ja, name_en, prefecture, municipality, zip3, lat, lon, base rent, towns)
AREAS = (
    ("高円寺", "Koenji", "東京都", "杉並区", "166", 35.7054, 139.6496, 52000, ("高円寺南", "高円寺北")),
    ("阿佐ヶ谷", "Asagaya", "東京都", "杉並区", "166", 35.7047, 139.6359, 50000, ("阿佐谷南", "阿佐谷北")),
    ("荻窪", "Ogikubo", "東京都", "杉並区", "167", 35.7045, 139.6201, 51000, ("荻窪", "上荻")),
    ("中野", "Nakano", "東京都", "中野区", "164", 35.7074, 139.6659, 56000, ("中野", "新井", "中央")),
    ("新宿", "Shinjuku", "東京都", "新宿区", "160", 35.6938, 139.7034, 68000, ("西新宿", "北新宿", "大久保")),
    ("高田馬場", "Takadanobaba", "東京都", "新宿区", "169", 35.7126, 139.7038, 62000, ("高田馬場", "戸塚町")),
    ("池袋", "Ikebukuro", "東京都", "豊島区", "171", 35.7295, 139.7109, 60000, ("池袋", "西池袋", "池袋本町")),
    ("大塚", "Otsuka", "東京都", "豊島区", "170", 35.7318, 139.7286, 55000, ("南大塚", "北大塚")),
    ("渋谷", "Shibuya", "東京都", "渋谷区", "150", 35.6580, 139.7016, 75000, ("渋谷", "道玄坂", "桜丘町")),
    ("三軒茶屋", "Sangenjaya", "東京都", "世田谷区", "154", 35.6437, 139.6703, 63000, ("三軒茶屋", "太子堂")),
    ("下北沢", "Shimokitazawa", "東京都", "世田谷区", "155", 35.6614, 139.6680, 64000, ("北沢", "代沢")),
    ("目黒", "Meguro", "東京都", "目黒区", "153", 35.6339, 139.7157, 70000, ("目黒", "下目黒")),
    ("五反田", "Gotanda", "東京都", "品川区", "141", 35.6262, 139.7236, 66000, ("西五反田", "東五反田")),
    ("大井町", "Oimachi", "東京都", "品川区", "140", 35.6066, 139.7349, 58000, ("大井", "東大井")),
    ("蒲田", "Kamata", "東京都", "大田区", "144", 35.5626, 139.7161, 50000, ("蒲田", "西蒲田")),
    ("板橋", "Itabashi", "東京都", "板橋区", "173", 35.7457, 139.7194, 48000, ("板橋", "大山町")),
    ("赤羽", "Akabane", "東京都", "北区", "115", 35.7777, 139.7209, 49000, ("赤羽", "赤羽南")),
    ("王子", "Oji", "東京都", "北区", "114", 35.7527, 139.7380, 48000, ("王子", "岸町")),
    ("日暮里", "Nippori", "東京都", "荒川区", "116", 35.7281, 139.7710, 52000, ("西日暮里", "東日暮里")),
    ("北千住", "Kitasenju", "東京都", "足立区", "120", 35.7494, 139.8048, 47000, ("千住", "千住旭町")),
    ("錦糸町", "Kinshicho", "東京都", "墨田区", "130", 35.6969, 139.8145, 54000, ("江東橋", "錦糸")),
    ("浅草", "Asakusa", "東京都", "台東区", "111", 35.7119, 139.7966, 57000, ("浅草", "西浅草")),
    ("上野", "Ueno", "東京都", "台東区", "110", 35.7138, 139.7770, 56000, ("上野", "東上野")),
    ("亀戸", "Kameido", "東京都", "江東区", "136", 35.6975, 139.8265, 51000, ("亀戸",)),
    ("門前仲町", "Monzennakacho", "東京都", "江東区", "135", 35.6717, 139.7958, 58000, ("門前仲町", "富岡")),
    ("西葛西", "Nishikasai", "東京都", "江戸川区", "134", 35.6645, 139.8590, 46000, ("西葛西", "中葛西")),
    ("小岩", "Koiwa", "東京都", "江戸川区", "133", 35.7331, 139.8817, 44000, ("南小岩", "西小岩")),
    ("練馬", "Nerima", "東京都", "練馬区", "176", 35.7376, 139.6541, 47000, ("練馬", "豊玉北")),
    ("吉祥寺", "Kichijoji", "東京都", "武蔵野市", "180", 35.7031, 139.5798, 60000, ("吉祥寺本町", "吉祥寺南町")),
    ("三鷹", "Mitaka", "東京都", "三鷹市", "181", 35.7028, 139.5607, 52000, ("下連雀", "上連雀")),
    ("武蔵小杉", "Musashikosugi", "神奈川県", "川崎市中原区", "211", 35.5762, 139.6596, 58000, ("小杉町", "新丸子町")),
    ("川崎", "Kawasaki", "神奈川県", "川崎市川崎区", "210", 35.5313, 139.6969, 50000, ("砂子", "駅前本町")),
    ("横浜", "Yokohama", "神奈川県", "横浜市西区", "220", 35.4658, 139.6223, 55000, ("高島", "南幸", "北幸")),
    ("日吉", "Hiyoshi", "神奈川県", "横浜市港北区", "223", 35.5537, 139.6469, 49000, ("日吉", "日吉本町")),
    ("大宮", "Omiya", "埼玉県", "さいたま市大宮区", "330", 35.9064, 139.6239, 45000, ("大門町", "桜木町")),
    ("浦和", "Urawa", "埼玉県", "さいたま市浦和区", "330", 35.8580, 139.6571, 46000, ("高砂", "仲町")),
    ("川口", "Kawaguchi", "埼玉県", "川口市", "332", 35.8020, 139.7174, 44000, ("栄町", "本町")),
    ("船橋", "Funabashi", "千葉県", "船橋市", "273", 35.7016, 139.9857, 43000, ("本町", "湊町")),
    ("市川", "Ichikawa", "千葉県", "市川市", "272", 35.7290, 139.9070, 45000, ("市川", "市川南")),
    ("松戸", "Matsudo", "千葉県", "松戸市", "271", 35.7843, 139.9006, 42000, ("松戸", "本町")),
    ("柏", "Kashiwa", "千葉県", "柏市", "277", 35.8622, 139.9710, 41000, ("柏", "旭町")),
)  # fmt: skip
# Property name patterns: (Japanese template, English template); {a}/{e} = area name.
BUILDING_STYLES = (
    ("ゲストハウス{a}", "Guesthouse {e}"), ("シェアハウス{a}", "Share House {e}"),
    ("ソーシャルレジデンス{a}", "Social Residence {e}"), ("{a}ハウス", "{e} House"),
    ("{a}レジデンス", "{e} Residence"), ("ボーダーレスハウス{a}", "Borderless House {e}"),
    ("{a}インターナショナルハウス", "{e} International House"),
)  # fmt: skip
# Coordinates of geocoding errors seen in the source: outside the Tokyo box (lat 35..36, lon 139..140.5).
BAD_COORDINATES = ((0.0, 0.0), (34.6937, 135.5023), (35.6812, 0.0), (36.5, 138.2))

INQUIRY_CHANNELS = ("web", "web", "web", "phone", "LINE", "email", "walk-in", "SUUMO", "HOME'S", "Instagram")
MEMOS = (
    "鍵2本お渡し済",
    "駐輪場利用あり\n自転車1台",
    "保証会社：日本セーフティー",
    "O'Neil様からの紹介",
    'Wi-Fi "GG-5G" 設定済',
    "退去時クリーニング費用 30,000円",
    "前入居者の私物あり\r\n要確認",
    "振込名義：ﾔﾏﾀﾞ ﾀﾛｳ",
    "備考：C:\\scan\\contract.pdf 参照",
    "家賃は毎月27日引落し",
    "旧システムから移行\x1a",  # a stray Ctrl-Z from the old system's export (dumped as \Z)
)


@dataclass(frozen=True)
class Person:
    full_name: str | None
    last_name: str | None
    first_name: str | None
    gender_type: int
    nationality: str | None
    romaji: str


def person(rng: random.Random, gender: int | None = None) -> Person:
    """A tenant's identity; about a third are foreign residents, as in Tokyo share houses."""
    if gender is None:
        gender = 1 if rng.random() < 0.52 else (2 if rng.random() < 0.98 else 3)
    if rng.random() < 0.66:
        last, last_kana, last_en = rng.choice(SURNAMES)
        first, first_kana, first_en = rng.choice(FEMALE_NAMES if gender == 2 else MALE_NAMES)
        style = rng.random()
        if style < 0.55:
            full = f"{last}\u3000{first}"
        elif style < 0.8:
            full = f"{last} {first}"
        elif style < 0.92:
            full, last, first = f"{last_kana} {first_kana}", last_kana, first_kana
        else:
            full = f"{last}{first}"
        return Person(full, last, first, gender, "日本", f"{first_en}.{last_en}".lower())
    nationality, surnames, given = rng.choice(FOREIGN)
    last, first = rng.choice(surnames), rng.choice(given)
    full = f"{last} {first}" if rng.random() < 0.7 else f"{first} {last}"
    romaji = "".join(ch for ch in f"{first}{last}".lower() if ch.isascii() and ch.isalpha()) or "guest"
    return Person(full, last, first, gender, nationality, romaji)


def affiliation(rng: random.Random) -> tuple[str, int]:
    """(employer or school, code_affiliation_type code)."""
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(SCHOOLS), 17
    if roll < 0.31:
        return rng.choice(FREELANCE), 16
    if roll < 0.33:
        return "無職", 18
    suffix, kind = rng.choice(COMPANY_SUFFIXES)
    form = rng.random()
    word = rng.choice(COMPANY_WORDS)
    name = f"株式会社{word}{suffix}" if form < 0.6 else (f"{word}{suffix}株式会社" if form < 0.9 else f"{word}{suffix}")
    return name, kind


@dataclass(frozen=True)
class Property:
    name: str
    name_en: str
    prefecture: str
    municipality: str
    address: str
    zip_code: str
    latitude: float
    longitude: float
    base_rent: int


def share_house(rng: random.Random, taken: set[str]) -> Property:
    """A uniquely named property in one of the operator's areas (`taken` holds the names already used)."""
    area = rng.choice(AREAS)
    name_ja, name_en, pref, muni, zip3, lat, lon, rent, towns = area
    style_ja, style_en = rng.choice(BUILDING_STYLES)
    name, english = style_ja.format(a=name_ja), style_en.format(e=name_en)
    number = 1
    while name in taken:  # second and later houses in an area are numbered, as the operator does
        number += 1
        name, english = f"{style_ja.format(a=name_ja)}{number}", f"{style_en.format(e=name_en)} {number}"
    taken.add(name)
    town = rng.choice(towns)
    address = f"{town}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
    return Property(
        name, english, pref, muni, address, f"{zip3}-{rng.randint(0, 9999):04d}",
        lat + rng.uniform(-0.012, 0.012), lon + rng.uniform(-0.012, 0.012), rent,
    )  # fmt: skip


def email(romaji: str, tenant_id: int) -> str:
    return f"{romaji}{tenant_id}@example.jp"
