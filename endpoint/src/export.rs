//! The reviewer's list as a file for the spreadsheets cadres use (Excel, WPS): one table of
//! columns ([`COLUMNS`], [`cells`]) written as CSV (the `csv` crate) or as an Excel workbook
//! (`rust_xlsxwriter`). ID numbers and phone numbers stay text (a bare 110105194912310021 would
//! become 1.10105E+17 and lose its last digits); in the CSV a leading = + - @ is neutralised so a
//! spreadsheet does not run it as a formula (the workbook writes every text as a string cell,
//! never a formula); times are China time. Beside the list's columns each row carries what the
//! household declared (household size, risk types, amounts, description, help wanted, and who
//! filled it in for it at a service centre).
use crate::db::ReviewRow;
use crate::error::AppError;
use crate::review::{china_time, Item, LINKED_ELSEWHERE_ZH};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveDateTime};
use xiangqin_api::StoredDeclaration;

/// How many columns a row has.
const WIDTH: usize = 21;

/// The header row.
pub const COLUMNS: [&str; WIDTH] = [
    "回执号",
    "状态",
    "县",
    "乡镇",
    "村",
    "区划代码",
    "申报人",
    "身份证号",
    "手机号",
    "提交时间",
    "期限",
    "是否超期",
    "关联申报",
    "家庭人口",
    "困难原因",
    "发生时间",
    "刚性支出（元）",
    "收入减少（元）",
    "情况说明",
    "希望得到的帮助",
    "代填人",
];

/// One cell, by what it holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A long number that must stay text (ID number, phone, division code).
    Number(String),
    /// China time.
    Time(NaiveDateTime),
    Date(NaiveDate),
    /// Yuan, or a household size: a number cell.
    Amount(f64),
    Empty,
}

/// The cells of one row, in the order of [`COLUMNS`]; `row` read with its body (erased after
/// the retention, the declared columns are empty).
pub fn cells(row: &ReviewRow, item: &Item) -> [Cell; WIDTH] {
    let text = |s: &str| Cell::Text(s.to_string());
    let submitted = china_time(&row.created_at).map_or_else(|| text(&row.created_at), Cell::Time);
    // Erased after the retention: nothing declared is left. A declaration from before place
    // codes reads too (its names are in the place columns).
    let declared: Option<StoredDeclaration> = match row.erased_at {
        Some(_) => None,
        // A body that cannot be read leaves its row's declared columns empty rather than the
        // whole export refused (the review detail answers it as a fault).
        None => crate::review::stored_declaration(&row.body_json).ok(),
    };
    let declared = declared.as_ref();
    let from = |f: &dyn Fn(&StoredDeclaration) -> Cell| declared.map_or(Cell::Empty, f);
    let amount = |a: Option<f64>| a.map_or(Cell::Empty, Cell::Amount);
    let words = |s: &str| match s.trim() {
        "" => Cell::Empty,
        s => text(s),
    };
    let linked = match (&item.linked_to, item.linked_elsewhere) {
        (Some(receipt), _) => text(receipt),
        (None, true) => text(LINKED_ELSEWHERE_ZH),
        (None, false) => Cell::Empty,
    };
    [
        text(&row.receipt),
        text(&item.status_zh),
        text(&row.county),
        text(&row.township),
        text(&row.village),
        row.place_code.clone().map_or(Cell::Empty, Cell::Number),
        text(&row.applicant_name),
        Cell::Number(row.id_number.clone()),
        Cell::Number(row.phone.clone()),
        submitted,
        item.due_on.map_or(Cell::Empty, Cell::Date),
        text(if item.overdue { "是" } else { "否" }),
        linked,
        from(&|d| {
            d.household_size
                .map_or(Cell::Empty, |n| Cell::Amount(f64::from(n)))
        }),
        from(&|d| {
            let risks: Vec<&str> = d.risk_types.iter().map(|r| r.label_zh()).collect();
            text(&risks.join("、"))
        }),
        from(&|d| d.happened_on.map_or(Cell::Empty, Cell::Date)),
        from(&|d| amount(d.rigid_expense_yuan)),
        from(&|d| amount(d.income_change_yuan)),
        from(&|d| words(&d.description)),
        from(&|d| words(d.help_wanted.as_deref().unwrap_or_default())),
        from(&|d| d.assisted_by().map_or(Cell::Empty, words)),
    ]
}

/// A CSV field's content: formulas neutralised, long numbers as `="…"` (Excel keeps them text).
fn csv_text(cell: &Cell) -> String {
    let neutralised = |s: &str| match s.starts_with(['=', '+', '-', '@']) {
        true => format!("'{s}"),
        false => s.to_string(),
    };
    match cell {
        Cell::Number(s)
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x') =>
        {
            format!("=\"{s}\"")
        }
        Cell::Text(s) | Cell::Number(s) => neutralised(s),
        Cell::Time(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Amount(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

/// The rows as CSV bytes: UTF-8 with a byte-order mark (Excel needs it to read UTF-8), CRLF.
pub fn csv_bytes(rows: &[(ReviewRow, Item)]) -> Result<Vec<u8>, AppError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    out.write_record(COLUMNS).map_err(AppError::internal)?;
    for (row, item) in rows {
        out.write_record(cells(row, item).iter().map(csv_text))
            .map_err(AppError::internal)?;
    }
    out.into_inner()
        .map_err(|e| AppError::internal(e.to_string()))
}

pub fn csv(rows: &[(ReviewRow, Item)]) -> Result<Response, AppError> {
    Ok(file(
        csv_bytes(rows)?,
        "text/csv; charset=utf-8",
        "declarations.csv",
    ))
}

/// The rows as an Excel workbook: a bold header row that stays put (frozen) with filters,
/// numbers kept as text, times and dates as real date cells.
pub fn xlsx_bytes(rows: &[(ReviewRow, Item)]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| AppError::internal(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("申报").map_err(x)?;
    let bold = Format::new().set_bold();
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (c, title) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *title, &bold)
            .map_err(x)?;
        let width = match c {
            7 => 22.0,
            0 | 5 | 9 => 16.0,
            12 => 30.0,
            14 | 19 => 24.0,
            16 | 17 => 14.0,
            18 => 40.0,
            _ => 12.0,
        };
        sheet.set_column_width(c as u16, width).map_err(x)?;
    }
    for (r, (row, item)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in cells(row, item).iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) | Cell::Number(s) => sheet.write_string(r, c, s).map(|_| ()),
                Cell::Time(t) => sheet.write_datetime_with_format(r, c, t, &time).map(|_| ()),
                Cell::Date(d) => sheet.write_datetime_with_format(r, c, d, &day).map(|_| ()),
                Cell::Amount(n) => sheet.write_number(r, c, *n).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(x)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    sheet
        .autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)
        .map_err(x)?;
    book.save_to_buffer().map_err(x)
}

pub fn xlsx(rows: &[(ReviewRow, Item)]) -> Result<Response, AppError> {
    Ok(file(
        xlsx_bytes(rows)?,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "declarations.xlsx",
    ))
}

fn file(body: Vec<u8>, content_type: &'static str, name: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).expect("an ASCII file name"),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xiangqin_rules::workflow::Step;

    fn text(s: &str) -> String {
        csv_text(&Cell::Text(s.into()))
    }

    #[test]
    fn csv_formulas_are_neutralised_and_quoting_is_the_csv_crates() {
        assert_eq!(text("张三"), "张三");
        assert_eq!(text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("@x"), "'@x");
        let mut w = csv::WriterBuilder::new().from_writer(vec![]);
        w.write_record(["a,b", "say \"hi\"", "=\"1\""]).unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner().unwrap()).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",\"=\"\"1\"\"\"\n"
        );
    }

    #[test]
    fn long_numbers_stay_text_in_excel() {
        assert_eq!(
            csv_text(&Cell::Number("110105194912310021".into())),
            r#"="110105194912310021""#
        );
        assert_eq!(
            csv_text(&Cell::Number("11010519491231002x".into())),
            r#"="11010519491231002x""#
        );
        // Anything else is neutralised like any text.
        assert_eq!(csv_text(&Cell::Number("=1+1".into())), "'=1+1");
        assert_eq!(csv_text(&Cell::Number("".into())), "");
    }

    #[test]
    fn a_declaration_from_before_place_codes_keeps_its_declared_columns() {
        let legacy = r#"{"region":"qinghai","place":{"county":"大通回族土族自治县","township":"城关镇","village":"元墩子村"},
            "applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13912345678"},
            "household_size":4,"risk_types":["illness"],"happened_on":"2025-03-01","rigid_expense_yuan":35000,
            "description":"看病花钱多","consent":{"truthful":true,"personal_info":true}}"#;
        let row = ReviewRow {
            id: 1,
            receipt: "XQ-AAAA-BBBB".into(),
            status: Step::Submitted,
            status_since: "2025-03-02T00:00:00Z".into(),
            region: "qinghai".into(),
            place_code: None,
            county: "大通回族土族自治县".into(),
            township: "城关镇".into(),
            village: "元墩子村".into(),
            applicant_name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: "13912345678".into(),
            created_at: "2025-03-02T00:00:00Z".into(),
            linked_to: None,
            linked_region: None,
            linked_place_code: None,
            body_json: legacy.into(),
            erased_at: None,
        };
        let item = Item {
            receipt: row.receipt.clone(),
            status: row.status,
            status_zh: row.status.label_zh().into(),
            place_code: None,
            county: row.county.clone(),
            township: row.township.clone(),
            village: row.village.clone(),
            applicant_name: row.applicant_name.clone(),
            phone: row.phone.clone(),
            submitted_at: row.created_at.clone(),
            submitted_at_china: "2025-03-02 08:00".into(),
            due_on: None,
            overdue: false,
            linked_to: None,
            linked_elsewhere: false,
            erased_at: None,
            next: vec![],
            waiting_for: None,
        };
        let cells = cells(&row, &item);
        let column = |name: &str| &cells[COLUMNS.iter().position(|c| *c == name).unwrap()];
        assert_eq!(column("家庭人口"), &Cell::Amount(4.0));
        assert_eq!(column("困难原因"), &Cell::Text("因病".into()));
        assert_eq!(column("刚性支出（元）"), &Cell::Amount(35000.0));
        assert_eq!(column("情况说明"), &Cell::Text("看病花钱多".into()));
        assert_eq!(column("区划代码"), &Cell::Empty);
    }
}
