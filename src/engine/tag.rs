//! `tag SOURCE TARGET`: another name for the same image id; nothing is copied.
use super::Engine;
use crate::image::reference::Reference;
use crate::util::Output;

impl Engine {
    pub fn cmd_tag(&mut self, source: &str, target: &str, out: &mut Output) -> i32 {
        let Some(id) = self.store.resolve_image(source) else {
            let shown = Reference::parse(source)
                .map(|r| r.familiar())
                .unwrap_or_else(|_| source.to_string());
            out.errln(&format!(
                "Error response from daemon: No such image: {shown}"
            ));
            return 1;
        };
        let reference = match Reference::parse(target) {
            Ok(r) => r,
            Err(e) => {
                out.errln(&format!(
                    "Error parsing reference: \"{target}\" is not a valid repository/tag: {e}"
                ));
                return 1;
            }
        };
        match self.store.set_tag(&reference, &id) {
            Ok(()) => {
                self.mark_changed();
                0
            }
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }
}
