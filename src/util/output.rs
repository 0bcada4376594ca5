//! What a command printed. Commands write here, not to the terminal, so the REPL, batch mode,
//! transcripts and lessons all see exactly the same bytes.

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn out(&mut self, s: &str) {
        self.stdout.push_str(s);
    }
    pub fn outln(&mut self, s: &str) {
        self.stdout.push_str(s);
        self.stdout.push('\n');
    }
    pub fn err(&mut self, s: &str) {
        self.stderr.push_str(s);
    }
    pub fn errln(&mut self, s: &str) {
        self.stderr.push_str(s);
        self.stderr.push('\n');
    }
    pub fn append(&mut self, other: Output) {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
    }
}
