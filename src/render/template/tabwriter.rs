//! Go's text/tabwriter as Docker configures it for tables:
//! `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)` (minwidth 10, padding 3, spaces, align left).
//!
//! A cell is text terminated by '\t'; the text after a line's last tab is not a cell and is
//! never padded. A column block is a run of consecutive lines that all have a cell in that
//! column; its width is the widest cell + padding, at least minwidth. Widths count chars
//! (Go counts runes), so "…" is one.

/// Aligns `text` the way Docker's table output does; `tabwrite(s, 10, 3)` is Docker's setting.
pub fn tabwrite(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut widths: Vec<Vec<usize>> = lines.iter().map(|_| Vec::new()).collect();
    assign_widths(&lines, &mut widths, 0, 0, lines.len(), minwidth, padding);
    let mut out = String::with_capacity(text.len() * 2);
    for (i, (cells, line_widths)) in lines.iter().zip(&widths).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if let Some(&w) = line_widths.get(j) {
                let pad = w.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
    }
    out
}

/// Go's Writer.format: finds the blocks of `column` within lines[start..end], sizes each,
/// then recurses into the next column within that block only.
fn assign_widths(
    lines: &[Vec<&str>],
    widths: &mut [Vec<usize>],
    column: usize,
    start: usize,
    end: usize,
    minwidth: usize,
    padding: usize,
) {
    let has_cell = |line: &Vec<&str>| column + 1 < line.len();
    let mut this = start;
    while this < end {
        if !has_cell(&lines[this]) {
            this += 1;
            continue;
        }
        let block_start = this;
        let mut width = minwidth;
        while this < end && has_cell(&lines[this]) {
            width = width.max(lines[this][column].chars().count() + padding);
            this += 1;
        }
        for w in &mut widths[block_start..this] {
            w.push(width);
        }
        assign_widths(
            lines,
            widths,
            column + 1,
            block_start,
            this,
            minwidth,
            padding,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docker(s: &str) -> String {
        tabwrite(s, 10, 3)
    }

    #[test]
    fn docker_ps_header_and_rows() {
        let text = "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n\
                    239fd57da34b\tbusybox\t\"sleep 100000\"\tLess than a second ago\tCreated\t\tlc\n";
        let expected = "CONTAINER ID   IMAGE     COMMAND          CREATED                  STATUS    PORTS     NAMES\n\
                        239fd57da34b   busybox   \"sleep 100000\"   Less than a second ago   Created             lc\n";
        assert_eq!(docker(text), expected);
    }

    #[test]
    fn docker_ps_with_ellipsis_counts_one_column() {
        let text = "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n\
                    eba9953ace1c\tbusybox\t\"sh -c 'echo hello; …\"\tLess than a second ago\tExited (3) Less than a second ago\t\tlc3\n";
        let expected = "CONTAINER ID   IMAGE     COMMAND                  CREATED                  STATUS                              PORTS     NAMES\n\
                        eba9953ace1c   busybox   \"sh -c 'echo hello; …\"   Less than a second ago   Exited (3) Less than a second ago             lc3\n";
        assert_eq!(docker(text), expected);
    }

    #[test]
    fn docker_ps_empty_table_is_header_only() {
        let text = "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n";
        assert_eq!(
            docker(text),
            "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
        );
    }

    #[test]
    fn docker_images_and_stats() {
        let text = "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\nvictim\tv2\ta10e70290059\t1 second ago\t1.98MB\n";
        assert_eq!(
            docker(text),
            "REPOSITORY   TAG       IMAGE ID       CREATED        SIZE\n\
             victim       v2        a10e70290059   1 second ago   1.98MB\n"
        );
        let text = "NAME\tMEM USAGE / LIMIT\tMEM %\tPIDS\nmem\t0B / 0B\t0.00%\t0\n";
        assert_eq!(
            docker(text),
            "NAME      MEM USAGE / LIMIT   MEM %     PIDS\n\
             mem       0B / 0B             0.00%     0\n"
        );
    }

    #[test]
    fn blocks_are_broken_by_lines_without_the_column() {
        let text = "a\tb\tc\nlonger-cell\tx\nno tabs here\nq\tr\n";
        assert_eq!(
            tabwrite(text, 0, 1),
            "a           b c\nlonger-cell x\nno tabs here\nq r\n"
        );
    }

    #[test]
    fn empty_and_tabless_input() {
        assert_eq!(docker(""), "");
        assert_eq!(docker("plain\n"), "plain\n");
        assert_eq!(docker("\t\n"), "          \n");
    }
}
