//! `inspect [-f FORMAT] [--type container|image] NAME...`
use serde_json::{Value, json};

use super::Engine;
use super::error::EngineResult;
use crate::util::Output;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectType {
    Any,
    Container,
    Image,
}

impl Engine {
    pub fn container_inspect_json(&self, id: &str) -> EngineResult<Value> {
        let c = self.container_by_id(id)?;
        let plan = self.store.rootfs_plan(id)?;
        let lower: Vec<String> = plan
            .lower_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        let graph = json!({
            "Data": {
                "LowerDir": lower.join(":"),
                "MergedDir": plan.merged,
                "UpperDir": plan.upper,
                "WorkDir": plan.work,
            },
            "Name": "overlay2",
        });
        Ok(c.inspect_json(self.root(), graph))
    }

    fn inspect_object(&self, name: &str, kind: InspectType) -> Option<Value> {
        if kind != InspectType::Image
            && let Some(id) = self.resolve_container(name)
        {
            return self.container_inspect_json(&id).ok();
        }
        if kind != InspectType::Container
            && let Some(id) = self.store.resolve_image(name)
        {
            return self.image_inspect_json(&id).ok();
        }
        None
    }

    pub fn cmd_inspect(
        &self,
        names: &[String],
        format: Option<&str>,
        kind: InspectType,
        out: &mut Output,
    ) -> i32 {
        let mut found = Vec::new();
        let mut code = 0;
        let mut errors = Vec::new();
        for name in names {
            match self.inspect_object(name, kind) {
                Some(v) => found.push(v),
                None => {
                    let what = match kind {
                        InspectType::Any => "object",
                        InspectType::Container => "container",
                        InspectType::Image => "image",
                    };
                    errors.push(format!("Error: No such {what}: {name}"));
                    code = 1;
                }
            }
        }
        match format {
            Some(f) => {
                if found.is_empty() {
                    // Docker flushes its (empty) template output even when nothing matched.
                    out.outln("");
                }
                for v in &found {
                    if let Err(e) = crate::cli::table::print_object(f, v, out) {
                        out.errln(&e);
                        return 1;
                    }
                }
            }
            None => {
                let mut buf = Vec::new();
                let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
                let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
                if serde::Serialize::serialize(&Value::Array(found), &mut ser).is_ok() {
                    out.outln(&String::from_utf8_lossy(&buf));
                }
            }
        }
        for e in errors {
            out.errln(&e);
        }
        code
    }
}
