//! `--presenter`: a lesson for a projector. Step titles in block letters (our own 5-row font:
//! every character of the lessons' titles, nothing to install), high contrast (bold reverse
//! video, unless colour is off: NO_COLOR, `--color never`, or not a terminal), and solutions
//! hidden until asked. Pure functions of their inputs.
use super::model::Lesson;

/// How a presenter screen looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presenter {
    /// Bold reverse video for banners.
    pub color: bool,
    /// `#` instead of `█`.
    pub ascii: bool,
    pub width: usize,
}

const ROWS: usize = 5;

/// The block letter for `c` (upper-cased), five rows of equal width; `None` to leave it out.
fn glyph(c: char) -> Option<[&'static str; ROWS]> {
    Some(match c.to_ascii_uppercase() {
        'A' => [" ## ", "#  #", "####", "#  #", "#  #"],
        'B' => ["### ", "#  #", "### ", "#  #", "### "],
        'C' => [" ###", "#   ", "#   ", "#   ", " ###"],
        'D' => ["### ", "#  #", "#  #", "#  #", "### "],
        'E' => ["####", "#   ", "### ", "#   ", "####"],
        'F' => ["####", "#   ", "### ", "#   ", "#   "],
        'G' => [" ###", "#   ", "# ##", "#  #", " ###"],
        'H' => ["#  #", "#  #", "####", "#  #", "#  #"],
        'I' => ["###", " # ", " # ", " # ", "###"],
        'J' => ["   #", "   #", "   #", "#  #", " ## "],
        'K' => ["#  #", "# # ", "##  ", "# # ", "#  #"],
        'L' => ["#   ", "#   ", "#   ", "#   ", "####"],
        'M' => ["#   #", "## ##", "# # #", "#   #", "#   #"],
        'N' => ["#   #", "##  #", "# # #", "#  ##", "#   #"],
        'O' | '0' => [" ## ", "#  #", "#  #", "#  #", " ## "],
        'P' => ["### ", "#  #", "### ", "#   ", "#   "],
        'Q' => [" ## ", "#  #", "#  #", "# ##", " ###"],
        'R' => ["### ", "#  #", "### ", "# # ", "#  #"],
        'S' => [" ###", "#   ", " ## ", "   #", "### "],
        'T' => ["#####", "  #  ", "  #  ", "  #  ", "  #  "],
        'U' => ["#  #", "#  #", "#  #", "#  #", " ## "],
        'V' => ["#   #", "#   #", "#   #", " # # ", "  #  "],
        'W' => ["#   #", "#   #", "# # #", "## ##", "#   #"],
        'X' => ["#   #", " # # ", "  #  ", " # # ", "#   #"],
        'Y' => ["#   #", " # # ", "  #  ", "  #  ", "  #  "],
        'Z' => ["####", "   #", " ## ", "#   ", "####"],
        '1' => [" # ", "## ", " # ", " # ", "###"],
        '2' => ["### ", "   #", " ## ", "#   ", "####"],
        '3' => ["### ", "   #", " ## ", "   #", "### "],
        '4' => ["#  #", "#  #", "####", "   #", "   #"],
        '5' => ["####", "#   ", "### ", "   #", "### "],
        '6' => [" ## ", "#   ", "### ", "#  #", " ## "],
        '7' => ["####", "   #", "  # ", " #  ", " #  "],
        '8' => [" ## ", "#  #", " ## ", "#  #", " ## "],
        '9' => [" ## ", "#  #", " ###", "   #", " ## "],
        ' ' => ["  ", "  ", "  ", "  ", "  "],
        '-' => ["   ", "   ", "###", "   ", "   "],
        '+' => ["   ", " # ", "###", " # ", "   "],
        '=' => ["   ", "###", "   ", "###", "   "],
        '/' => ["    #", "   # ", "  #  ", " #   ", "#    "],
        ':' => [" ", "#", " ", "#", " "],
        ';' => ["  ", " #", "  ", " #", "# "],
        '.' => [" ", " ", " ", " ", "#"],
        ',' => ["  ", "  ", "  ", " #", "# "],
        '\'' => ["#", "#", " ", " ", " "],
        '!' => ["#", "#", "#", " ", "#"],
        '?' => ["### ", "   #", " ## ", "    ", " #  "],
        '(' => [" #", "# ", "# ", "# ", " #"],
        ')' => ["# ", " #", " #", " #", "# "],
        '&' => [" #  ", "# # ", " #  ", "# # ", " # #"],
        _ => return None,
    })
}

/// Display width of `word` in block letters (one column between letters).
fn word_width(word: &str) -> usize {
    word.chars().filter_map(glyph).map(|g| g[0].len() + 1).sum()
}

/// `text` in block letters, wrapped at word boundaries to `width` columns; a word wider than
/// the line gets a line of its own (and is cut by the terminal, as a long word would be).
pub fn big_text(text: &str, width: usize, ascii: bool) -> String {
    let space = word_width(" ");
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let extra = if cur.is_empty() { 0 } else { space };
        if !cur.is_empty() && word_width(&cur) + extra + word_width(word) > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    let ink = if ascii { "#" } else { "█" };
    let mut out = String::new();
    for line in lines {
        for row in 0..ROWS {
            let mut r = String::new();
            for g in line.chars().filter_map(glyph) {
                r.push_str(&g[row].replace('#', ink));
                r.push(' ');
            }
            out.push_str(r.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

impl Presenter {
    /// Bold reverse video: readable from the back of the room on any projector.
    pub fn emphasize(&self, line: &str) -> String {
        if self.color {
            format!("\x1b[1;7m {line} \x1b[0m")
        } else {
            format!("== {line} ==")
        }
    }

    pub fn lesson_banner(&self, lesson: &Lesson) -> String {
        let mut out = big_text(&lesson.title, self.width, self.ascii);
        if !lesson.intro.is_empty() {
            out.push_str(&lesson.intro);
            out.push('\n');
        }
        out
    }

    pub fn step_banner(&self, lesson: &Lesson, index: usize) -> String {
        let step = &lesson.steps[index];
        let mut out = format!(
            "\n{}\n\n",
            self.emphasize(&format!("Step {}/{}", index + 1, lesson.steps.len()))
        );
        out.push_str(&big_text(&step.title, self.width, self.ascii));
        if !step.narration.is_empty() {
            out.push_str(&step.narration);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::parse_lesson;
    use crate::lesson::runner::tests::PAUSE;

    #[test]
    fn titles_in_block_letters_wrap_at_words() {
        insta::assert_snapshot!(big_text("Pause it; ok?", 80, true), @r"
        ###   ##  #  #  ### ####    ### #####        ##  #  # ###
        #  # #  # #  # #    #        #    #    #    #  # # #     #
        ###  #### #  #  ##  ###      #    #         #  # ##    ##
        #    #  # #  #    # #        #    #    #    #  # # #
        #    #  #  ##  ###  ####    ###   #   #      ##  #  #  #
        ");
        // 20 columns: one word a line; the ink is a full block unless ASCII is asked for.
        let narrow = big_text("Stop it", 20, false);
        assert_eq!(narrow.lines().filter(|l| l.is_empty()).count(), 2);
        assert!(narrow.starts_with(" ███ █████  ██  ███\n"), "{narrow}");
        assert_eq!(big_text("`⇄`", 80, true), "\n\n\n\n\n\n");
    }

    #[test]
    fn banners_are_high_contrast_unless_colour_is_off() {
        let lesson = parse_lesson("pause", PAUSE).unwrap();
        let mut p = Presenter {
            color: true,
            ascii: true,
            width: 80,
        };
        let banner = p.step_banner(&lesson, 1);
        assert!(
            banner.starts_with("\n\x1b[1;7m Step 2/3 \x1b[0m\n\n###"),
            "{banner:?}"
        );
        p.color = false;
        insta::assert_snapshot!(p.step_banner(&lesson, 1).trim_start_matches('\n'), @r"
        == Step 2/3 ==

        ###   ##  #  #  ### ####
        #  # #  # #  # #    #
        ###  #### #  #  ##  ###
        #    #  # #  #    # #
        #    #  #  ##  ###  ####
        ");
    }
}
