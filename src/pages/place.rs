//! 您家在哪里: the household chooses its county (县、区、旗), township (乡镇、苏木) and village (村、
//! 社区、嘎查) from the official lists ([`crate::places`]), one after the other. Each list has a
//! search box that finds any part of a name, is grouped (counties by city, townships and
//! villages by kind), and can be read aloud. A village missing from the list is written by hand
//! under its township, and the declaration goes to that township.
//!
//! The three levels are drawn by one component ([`Level`]) from a plain description of what
//! each shows ([`Shown`]): few view types, so the picker adds little to the download.
use crate::draft::Draft;
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::report::{input_id, FieldErrorText, Form, Need};
use crate::places;
use crate::speech::ReadAloud;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use xiangqin_rules::places::{match_written, CountyFile};
use xiangqin_rules::Region;

/// A list to choose from: groups of (code, name) under a heading.
type Groups = Vec<(String, Vec<(String, String)>)>;

/// What one level of the picker shows.
#[derive(Clone, PartialEq)]
enum Shown {
    Nothing,
    /// Chosen: its name.
    Chosen(String),
    /// The list to choose from.
    Choose(Arc<Groups>),
    /// A note instead of the list (loading, or no network).
    Note(Msg),
    /// The village is not listed: the household writes it (under this township).
    Written(String),
}

/// Entries grouped by their kind (镇, 乡, 苏木 …), in the order of the list.
fn by_kind<'a>(entries: impl Iterator<Item = (&'a String, &'a String)>) -> Groups {
    let mut groups: Groups = Vec::new();
    for (code, name) in entries {
        let kind = places::kind(name);
        let entry = (code.clone(), name.clone());
        match groups.iter_mut().find(|(k, _)| k == kind) {
            Some((_, list)) => list.push(entry),
            None => groups.push((kind.to_string(), vec![entry])),
        }
    }
    groups
}

impl Draft {
    /// A new region: the places chosen in another one no longer apply.
    pub fn set_region(&mut self, key: &str) {
        if self.region != key {
            self.region = key.to_string();
            self.set_county(None);
        }
    }

    /// Chooses a county (or, with `None`, undoes the choice and everything below it).
    fn set_county(&mut self, county: Option<(String, String)>) {
        (self.county_code, self.county) = county.unwrap_or_default();
        self.set_township(None);
    }

    fn set_township(&mut self, township: Option<(String, String)>) {
        (self.place_code, self.township) = township.unwrap_or_default();
        self.village_not_listed = false;
        self.village.clear();
    }

    /// Chooses a village of the township (`listed`), or goes back to it to write one.
    fn set_village(&mut self, code: &str, name: String, listed: bool) {
        self.place_code = code.to_string();
        self.village = name;
        self.village_not_listed = !listed;
    }
}

/// The (code, name) of the one entry a name written by hand means (see [`match_written`]).
fn pick<'a>(
    entries: impl Iterator<Item = (&'a String, &'a String)>,
    written: &str,
) -> Option<(String, String)> {
    let entries: Vec<(&str, &str)> = entries.map(|(c, n)| (c.as_str(), n.as_str())).collect();
    let code = match_written(entries.iter().copied(), written)?;
    let (c, n) = entries.into_iter().find(|(c, _)| *c == code)?;
    Some((c.to_string(), n.to_string()))
}

/// The names typed in a draft from before the lists, matched where they are unambiguous (the
/// household then only checks them): the county from the compiled list, and — once the
/// county's file is here — the township and the village.
fn match_earlier(d: &mut Draft, region: Region, county: Option<&CountyFile>) {
    if d.earlier_place.is_empty() || d.village_not_listed || d.place_code.len() == 12 {
        return;
    }
    if d.county_code.is_empty() {
        let counties = places::counties(region)
            .into_iter()
            .flat_map(|r| &r.cities)
            .flat_map(|c| &c.counties);
        if let Some((code, name)) = pick(counties.map(|(c, n)| (c, n)), &d.county) {
            (d.county_code, d.county) = (code, name);
        }
        return;
    }
    let Some(file) = county.filter(|f| f.code == d.county_code) else {
        return;
    };
    if d.place_code.is_empty() {
        if let Some((code, name)) = pick(
            file.townships.iter().map(|t| (&t.code, &t.name)),
            &d.township,
        ) {
            (d.place_code, d.township) = (code, name);
        }
    }
    if let Some(t) = file.townships.iter().find(|t| t.code == d.place_code) {
        if let Some((code, name)) = pick(t.villages.iter().map(|(c, n)| (c, n)), &d.village) {
            d.set_village(&code, name, true);
        }
    }
}

#[component]
pub fn PlacePicker(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let file: RwSignal<Option<Arc<CountyFile>>> = RwSignal::new(None);
    let failed = RwSignal::new(false);
    // Fetches the chosen county's townships and villages (the service worker keeps them).
    let load = move || {
        let (code, region) = form
            .draft
            .with_untracked(|d| (d.county_code.clone(), Region::from_key(&d.region)));
        if code.is_empty() {
            return;
        }
        failed.set(false);
        spawn_local(async move {
            let got = places::county_file(&code).await;
            if form.draft.with_untracked(|d| d.county_code != code) {
                return; // another county was chosen meanwhile
            }
            if let (Some(f), Some(region)) = (&got, region) {
                if form.draft.with_untracked(|d| !d.earlier_place.is_empty()) {
                    form.update("place.township", |d| match_earlier(d, region, Some(f)));
                }
            }
            failed.set(got.is_none());
            file.set(got);
        });
    };
    if let Some(region) = form.region_untracked() {
        if form.draft.with_untracked(|d| !d.earlier_place.is_empty()) {
            form.update("place.county", |d| match_earlier(d, region, None));
        }
    }
    load();

    let county = move || {
        let Some(region) = form.region() else {
            return Shown::Nothing;
        };
        if let Some(name) = form
            .draft
            .with(|d| (!d.county_code.is_empty()).then(|| d.county.clone()))
        {
            return Shown::Chosen(name);
        }
        let groups = places::counties(region)
            .map(|r| {
                r.cities
                    .iter()
                    .map(|c| (c.name.clone(), c.counties.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Shown::Choose(Arc::new(groups))
    };
    let township = move || {
        let (county, code, name) = form.draft.with(|d| {
            (
                d.county_code.clone(),
                d.place_code.clone(),
                d.township.clone(),
            )
        });
        match (county.is_empty(), code.is_empty(), file.get()) {
            (true, _, _) => Shown::Nothing,
            (false, false, _) => Shown::Chosen(name),
            (false, true, Some(f)) if f.code == county => Shown::Choose(Arc::new(by_kind(
                f.townships.iter().map(|t| (&t.code, &t.name)),
            ))),
            _ if failed.get() => Shown::Note(Msg::PlaceLoadFailed),
            _ => Shown::Note(Msg::PlaceLoading),
        }
    };
    let village = move || {
        let (code, written, name) = form.draft.with(|d| {
            (
                d.place_code.clone(),
                d.village_not_listed,
                d.village.clone(),
            )
        });
        match code.len() {
            12 => Shown::Chosen(name),
            9 if written => Shown::Written(form.draft.with(|d| d.township.clone())),
            9 => file
                .get()
                .and_then(|f| {
                    f.townships
                        .iter()
                        .find(|t| t.code == code)
                        .map(|t| by_kind(t.villages.iter().map(|(c, n)| (c, n))))
                })
                .map_or(Shown::Nothing, |g| Shown::Choose(Arc::new(g))),
            _ => Shown::Nothing,
        }
    };
    let choose_county = Callback::new(move |(code, name)| {
        form.update("place.county", |d| d.set_county(Some((code, name))));
        file.set(None);
        load();
    });
    let choose_township =
        Callback::new(move |c| form.update("place.township", |d| d.set_township(Some(c))));
    let choose_village = Callback::new(move |(c, n): (String, String)| {
        form.update("place.village", |d| d.set_village(&c, n, true))
    });
    // 改一下 on a village goes back to its township's list.
    let to_township = move |d: &mut Draft, listed| {
        let township = d.place_code.get(..9).unwrap_or_default().to_string();
        d.set_village(&township, String::new(), listed);
    };
    let not_listed =
        Callback::new(move |()| form.update("place.village", |d| to_township(d, false)));

    let note = move || {
        let earlier = form.draft.with(|d| d.earlier_place.clone());
        match (form.region(), earlier.is_empty()) {
            (None, _) => i18n.tr(Msg::PlaceRegionFirst).to_string(),
            (_, false) => fill(i18n.tr(Msg::PlaceEarlier), &[("place", &earlier)]),
            _ => String::new(),
        }
    };

    view! {
        <div class="place-picker" id="f-place-code" tabindex="-1" data-testid="place-picker">
            <FieldErrorText form field="place.code"/>
            <p class="note" data-testid="place-note" hidden=move || note().is_empty()>{note}</p>
            <Level form field="place.county" label=Msg::ReportCounty shown=Memo::new(move |_| county())
                choose=choose_county undo=Callback::new(move |()| { form.update("place.county", |d| d.set_county(None)); })/>
            <Level form field="place.township" label=Msg::ReportTownship shown=Memo::new(move |_| township())
                choose=choose_township undo=Callback::new(move |()| form.update("place.township", |d| d.set_township(None)))
                other=Callback::new(move |()| load())/>
            <Level form field="place.village" label=Msg::ReportVillage shown=Memo::new(move |_| village())
                choose=choose_village undo=Callback::new(move |()| form.update("place.village", |d| to_township(d, true)))
                other=not_listed/>
        </div>
    }
}

/// A level's name in the region's own words (苏木、嘎查 in Inner Mongolia).
fn label_of(form: Form, label: Msg) -> Msg {
    match (form.region(), label) {
        (Some(Region::InnerMongolia), Msg::ReportTownship) => Msg::ReportTownshipInnerMongolia,
        (Some(Region::InnerMongolia), Msg::ReportVillage) => Msg::ReportVillageInnerMongolia,
        _ => label,
    }
}

/// One level of the picker, drawn once and shown by parts: the name chosen and 改一下, a note
/// (loading; no network, with 再试一次), or the list with its search box (and, for villages,
/// 名单里没有我家的村); for a village not listed, its name written by hand. The list is written
/// as HTML in one go with one click handler for every button: hundreds of villages as reactive
/// views would weigh on the download and on a cheap phone.
#[component]
fn Level(
    form: Form,
    field: &'static str,
    label: Msg,
    shown: Memo<Shown>,
    choose: Callback<(String, String)>,
    undo: Callback<()>,
    /// The township's 再试一次, or the village's 名单里没有.
    #[prop(optional)]
    other: Option<Callback<()>>,
) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let testid = field.replace("place.", "place-");
    let label_text = move || i18n.tr(label_of(form, label));
    let is = move |f: fn(&Shown) -> bool| move || !shown.with(f);
    let chosen = move || match shown.get() {
        Shown::Chosen(name) => name,
        _ => String::new(),
    };
    let note = move || match shown.get() {
        Shown::Note(msg) => i18n.tr(msg).to_string(),
        Shown::Written(township) => {
            fill(i18n.tr(Msg::PlaceWrittenNote), &[("township", &township)])
        }
        _ => String::new(),
    };
    // The entries whose name holds what is typed, by group.
    let found = move || -> Groups {
        let Shown::Choose(groups) = shown.get() else {
            return Vec::new();
        };
        let typed = typed.get();
        let matching = |l: &Vec<(String, String)>| {
            l.iter()
                .filter(|(_, n)| places::matches(n, &typed))
                .cloned()
                .collect()
        };
        let many = groups.len() > 1;
        groups
            .iter()
            .map(|(h, l)| (if many { h.clone() } else { String::new() }, matching(l)))
            .filter(|(_, l): &(String, Vec<_>)| !l.is_empty())
            .collect()
    };
    let html = {
        let testid = testid.clone();
        Memo::new(move |_| {
            let mut html = String::new();
            for (heading, list) in found() {
                if !heading.is_empty() {
                    html += &format!("<h3 class=\"chooser-group\">{}</h3>", escape(&heading));
                }
                html += "<ul class=\"choices chooser-list\">";
                for (code, name) in list {
                    let name = escape(&name);
                    html += &format!("<li><button type=\"button\" class=\"choice\" data-code=\"{code}\" data-testid=\"{testid}-{code}\">{name}</button></li>");
                }
                html += "</ul>";
            }
            html
        })
    };
    let names = move || {
        found()
            .into_iter()
            .flat_map(|(_, l)| l.into_iter().map(|(_, n)| n))
            .collect::<Vec<_>>()
    };
    let read = Callback::new(move |()| format!("{}：{}", label_text(), names().join("、")));
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button[data-code]").ok().flatten());
        let Some(code) = button.and_then(|b| b.get_attribute("data-code")) else {
            return;
        };
        let name = names_of(shown.get_untracked(), &code);
        if let Some(name) = name {
            typed.set(String::new());
            choose.run((code, name));
        }
    };
    let other_label = move || match shown.get() {
        Shown::Choose(_) if field == "place.village" => {
            fill(i18n.tr(Msg::PlaceNotListed), &[("village", label_text())])
        }
        Shown::Note(Msg::PlaceLoadFailed) => i18n.tr(Msg::PlaceRetry).to_string(),
        _ => String::new(),
    };
    let written = field == "place.village";
    let search_id = format!("{}-search", input_id(field));
    view! {
        <fieldset
            class="field"
            class:has-error=move || form.error(field)().is_some()
            id=input_id(field)
            tabindex="-1"
            hidden=is(|s| *s != Shown::Nothing)
        >
            <legend>
                <span class="label-text">{label_text}</span>
                <Need required=true/>
            </legend>
            <FieldErrorText form field/>
            <div hidden=is(|s| matches!(s, Shown::Chosen(_)))>
                <p class="chosen-name"><strong data-testid=format!("chosen-{field}")>{chosen}</strong></p>
                <button type="button" class="button secondary small" data-testid=format!("change-{field}") on:click=move |_| undo.run(())>
                    {t(Msg::PlaceChange)}
                </button>
            </div>
            <p class="hint" role="status" data-testid=format!("{testid}-note") hidden=move || note().is_empty()>{note}</p>
            <div hidden=is(|s| matches!(s, Shown::Choose(_)))>
                <label for=search_id.clone() class="hint">{t(Msg::PlaceSearchLabel)}</label>
                <input
                    id=search_id
                    type="search"
                    class="text-input"
                    autocomplete="off"
                    data-testid=format!("{testid}-search")
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <p class="hint" role="status" data-testid=format!("{testid}-count")>
                    {move || match names().len() {
                        0 => i18n.tr(Msg::PlaceNoneFound).to_string(),
                        n => fill(i18n.tr(Msg::PlaceFound), &[("n", &n.to_string())]),
                    }}
                </p>
                <ReadAloud text=read/>
                <div class="chooser" on:click=on_click inner_html=move || html.get()></div>
            </div>
            {written.then(|| view! {
                <div hidden=is(|s| matches!(s, Shown::Written(_)))>
                    <label for="f-place-village-written" class="hint">{t(Msg::PlaceWriteLabel)}</label>
                    <input
                        id="f-place-village-written"
                        class="text-input"
                        maxlength="40"
                        data-testid="field-place.village"
                        prop:value=move || form.draft.with(|d| if d.village_not_listed { d.village.clone() } else { String::new() })
                        on:input=move |ev| form.update("place.village", |d| d.village = event_target_value(&ev))
                    />
                    <button type="button" class="link-button" data-testid="place-back-to-list" on:click=move |_| undo.run(())>
                        {t(Msg::PlaceBackToList)}
                    </button>
                </div>
            })}
            <button
                type="button"
                class="button secondary"
                data-testid=format!("{testid}-other")
                hidden=move || other.is_none() || other_label().is_empty()
                on:click=move |_| {
                    if let Some(cb) = other {
                        cb.run(())
                    }
                }
            >
                {other_label}
            </button>
        </fieldset>
    }
}

/// The name of `code` in the list shown.
fn names_of(shown: Shown, code: &str) -> Option<String> {
    let Shown::Choose(groups) = shown else {
        return None;
    };
    groups
        .iter()
        .flat_map(|(_, l)| l)
        .find(|(c, _)| c == code)
        .map(|(_, n)| n.clone())
}

/// Text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
