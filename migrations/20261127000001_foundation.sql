-- The foundation: accounts, sessions, settings, and the registries every capability tags its
-- content with. SQL that SQLite and PostgreSQL share: text ids (UUIDv7), bigint epoch
-- milliseconds, bigint 0/1 flags, JSON text for translations ({"en": …, "hr": …}).

create table country (
    country_code text primary key,
    names text not null,
    created_at bigint not null
);

-- NUTS-2 regions (NUTS 2021); for Serbia and Albania the national statistical regions of level 2.
create table region (
    region_id text primary key,
    country_code text not null references country (country_code),
    name text not null,
    created_at bigint not null
);
create index region_by_country on region (country_code);

create table organisation (
    organisation_id text primary key,
    name text not null,
    kind text not null,
    country_code text not null references country (country_code),
    region_id text references region (region_id),
    website text not null default '',
    created_by text,
    created_at bigint not null
);
create unique index organisation_name_country on organisation (lower(name), country_code);

create table app_user (
    user_id text primary key,
    email text not null,
    display_name text not null,
    password_hash text not null,
    role text not null default 'member',
    organisation_id text references organisation (organisation_id) on delete set null,
    preferred_locale text not null default 'en',
    disabled bigint not null default 0,
    created_at bigint not null
);
create unique index app_user_email on app_user (email);

-- The cookie holds a random token; the table holds its SHA-256, so a leaked table opens no session.
create table session (
    session_id text primary key,
    user_id text not null references app_user (user_id) on delete cascade,
    expires_at bigint not null,
    created_at bigint not null
);
create index session_by_user on session (user_id);

create table setting (
    setting_key text primary key,
    value text not null,
    created_at bigint not null
);

-- The six thematic areas and the horizontal issue that tag everything on the platform.
create table thematic_area (
    thematic_area_id text primary key,
    position bigint not null,
    horizontal bigint not null,
    names text not null,
    created_at bigint not null
);

insert into setting (setting_key, value, created_at) values ('open_signup', '1', 1795000000000);

insert into country (country_code, names, created_at) values
    ('AL', '{"en": "Albania", "hr": "Albanija"}', 1795000000000),
    ('AT', '{"en": "Austria", "hr": "Austrija"}', 1795000000000),
    ('BG', '{"en": "Bulgaria", "hr": "Bugarska"}', 1795000000000),
    ('EL', '{"en": "Greece", "hr": "Grčka"}', 1795000000000),
    ('HR', '{"en": "Croatia", "hr": "Hrvatska"}', 1795000000000),
    ('HU', '{"en": "Hungary", "hr": "Mađarska"}', 1795000000000),
    ('IT', '{"en": "Italy", "hr": "Italija"}', 1795000000000),
    ('RO', '{"en": "Romania", "hr": "Rumunjska"}', 1795000000000),
    ('RS', '{"en": "Serbia", "hr": "Srbija"}', 1795000000000),
    ('SI', '{"en": "Slovenia", "hr": "Slovenija"}', 1795000000000),
    ('SK', '{"en": "Slovakia", "hr": "Slovačka"}', 1795000000000);

insert into region (region_id, country_code, name, created_at) values
    ('AL01', 'AL', 'Veri', 1795000000000),
    ('AL02', 'AL', 'Qendër', 1795000000000),
    ('AL03', 'AL', 'Jug', 1795000000000),
    ('AT11', 'AT', 'Burgenland', 1795000000000),
    ('AT12', 'AT', 'Niederösterreich', 1795000000000),
    ('AT13', 'AT', 'Wien', 1795000000000),
    ('AT21', 'AT', 'Kärnten', 1795000000000),
    ('AT22', 'AT', 'Steiermark', 1795000000000),
    ('AT31', 'AT', 'Oberösterreich', 1795000000000),
    ('AT32', 'AT', 'Salzburg', 1795000000000),
    ('AT33', 'AT', 'Tirol', 1795000000000),
    ('AT34', 'AT', 'Vorarlberg', 1795000000000),
    ('BG31', 'BG', 'Северозападен (Severozapaden)', 1795000000000),
    ('BG32', 'BG', 'Северен централен (Severen tsentralen)', 1795000000000),
    ('BG33', 'BG', 'Североизточен (Severoiztochen)', 1795000000000),
    ('BG34', 'BG', 'Югоизточен (Yugoiztochen)', 1795000000000),
    ('BG41', 'BG', 'Югозападен (Yugozapaden)', 1795000000000),
    ('BG42', 'BG', 'Южен централен (Yuzhen tsentralen)', 1795000000000),
    ('EL30', 'EL', 'Αττική (Attiki)', 1795000000000),
    ('EL41', 'EL', 'Βόρειο Αιγαίο (Voreio Aigaio)', 1795000000000),
    ('EL42', 'EL', 'Νότιο Αιγαίο (Notio Aigaio)', 1795000000000),
    ('EL43', 'EL', 'Κρήτη (Kriti)', 1795000000000),
    ('EL51', 'EL', 'Ανατολική Μακεδονία, Θράκη (Anatoliki Makedonia, Thraki)', 1795000000000),
    ('EL52', 'EL', 'Κεντρική Μακεδονία (Kentriki Makedonia)', 1795000000000),
    ('EL53', 'EL', 'Δυτική Μακεδονία (Dytiki Makedonia)', 1795000000000),
    ('EL54', 'EL', 'Ήπειρος (Ipeiros)', 1795000000000),
    ('EL61', 'EL', 'Θεσσαλία (Thessalia)', 1795000000000),
    ('EL62', 'EL', 'Ιόνια Νησιά (Ionia Nisia)', 1795000000000),
    ('EL63', 'EL', 'Δυτική Ελλάδα (Dytiki Elláda)', 1795000000000),
    ('EL64', 'EL', 'Στερεά Ελλάδα (Sterea Elláda)', 1795000000000),
    ('EL65', 'EL', 'Πελοπόννησος (Peloponnisos)', 1795000000000),
    ('HR02', 'HR', 'Panonska Hrvatska', 1795000000000),
    ('HR03', 'HR', 'Jadranska Hrvatska', 1795000000000),
    ('HR05', 'HR', 'Grad Zagreb', 1795000000000),
    ('HR06', 'HR', 'Sjeverna Hrvatska', 1795000000000),
    ('HU11', 'HU', 'Budapest', 1795000000000),
    ('HU12', 'HU', 'Pest', 1795000000000),
    ('HU21', 'HU', 'Közép-Dunántúl', 1795000000000),
    ('HU22', 'HU', 'Nyugat-Dunántúl', 1795000000000),
    ('HU23', 'HU', 'Dél-Dunántúl', 1795000000000),
    ('HU31', 'HU', 'Észak-Magyarország', 1795000000000),
    ('HU32', 'HU', 'Észak-Alföld', 1795000000000),
    ('HU33', 'HU', 'Dél-Alföld', 1795000000000),
    ('ITC1', 'IT', 'Piemonte', 1795000000000),
    ('ITC2', 'IT', 'Valle d''Aosta/Vallée d''Aoste', 1795000000000),
    ('ITC3', 'IT', 'Liguria', 1795000000000),
    ('ITC4', 'IT', 'Lombardia', 1795000000000),
    ('ITF1', 'IT', 'Abruzzo', 1795000000000),
    ('ITF2', 'IT', 'Molise', 1795000000000),
    ('ITF3', 'IT', 'Campania', 1795000000000),
    ('ITF4', 'IT', 'Puglia', 1795000000000),
    ('ITF5', 'IT', 'Basilicata', 1795000000000),
    ('ITF6', 'IT', 'Calabria', 1795000000000),
    ('ITG1', 'IT', 'Sicilia', 1795000000000),
    ('ITG2', 'IT', 'Sardegna', 1795000000000),
    ('ITH1', 'IT', 'Provincia Autonoma di Bolzano/Bozen', 1795000000000),
    ('ITH2', 'IT', 'Provincia Autonoma di Trento', 1795000000000),
    ('ITH3', 'IT', 'Veneto', 1795000000000),
    ('ITH4', 'IT', 'Friuli-Venezia Giulia', 1795000000000),
    ('ITH5', 'IT', 'Emilia-Romagna', 1795000000000),
    ('ITI1', 'IT', 'Toscana', 1795000000000),
    ('ITI2', 'IT', 'Umbria', 1795000000000),
    ('ITI3', 'IT', 'Marche', 1795000000000),
    ('ITI4', 'IT', 'Lazio', 1795000000000),
    ('RO11', 'RO', 'Nord-Vest', 1795000000000),
    ('RO12', 'RO', 'Centru', 1795000000000),
    ('RO21', 'RO', 'Nord-Est', 1795000000000),
    ('RO22', 'RO', 'Sud-Est', 1795000000000),
    ('RO31', 'RO', 'Sud-Muntenia', 1795000000000),
    ('RO32', 'RO', 'București-Ilfov', 1795000000000),
    ('RO41', 'RO', 'Sud-Vest Oltenia', 1795000000000),
    ('RO42', 'RO', 'Vest', 1795000000000),
    ('RS11', 'RS', 'Beogradski region', 1795000000000),
    ('RS12', 'RS', 'Region Vojvodine', 1795000000000),
    ('RS21', 'RS', 'Region Šumadije i Zapadne Srbije', 1795000000000),
    ('RS22', 'RS', 'Region Južne i Istočne Srbije', 1795000000000),
    ('SI03', 'SI', 'Vzhodna Slovenija', 1795000000000),
    ('SI04', 'SI', 'Zahodna Slovenija', 1795000000000),
    ('SK01', 'SK', 'Bratislavský kraj', 1795000000000),
    ('SK02', 'SK', 'Západné Slovensko', 1795000000000),
    ('SK03', 'SK', 'Stredné Slovensko', 1795000000000),
    ('SK04', 'SK', 'Východné Slovensko', 1795000000000);

insert into thematic_area (thematic_area_id, position, horizontal, names, created_at) values
    ('innovation', 1, 0, '{"en": "Innovation and R&D-driven cluster development", "hr": "Razvoj klastera potaknut inovacijama te istraživanjem i razvojem"}', 1795000000000),
    ('sustainability', 2, 0, '{"en": "Sustainability through cluster development (eco-innovation)", "hr": "Održivost kroz razvoj klastera (eko-inovacije)"}', 1795000000000),
    ('internationalisation', 3, 0, '{"en": "International cluster cooperation and networking", "hr": "Međunarodna suradnja i umrežavanje klastera"}', 1795000000000),
    ('financing', 4, 0, '{"en": "Financial framework improvement (cluster financing)", "hr": "Unaprjeđenje financijskog okvira (financiranje klastera)"}', 1795000000000),
    ('specialisation', 5, 0, '{"en": "Cluster and regional specialisation", "hr": "Klasteri i regionalna specijalizacija"}', 1795000000000),
    ('skills', 6, 0, '{"en": "New skills and jobs creation", "hr": "Nove vještine i otvaranje radnih mjesta"}', 1795000000000),
    ('multilevel', 7, 1, '{"en": "Multi-level and cross-department cluster policy", "hr": "Višerazinska i međuresorna klasterska politika"}', 1795000000000);
