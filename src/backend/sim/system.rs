//! The simulated system a container's shell runs on: its union filesystem, hostname and
//! process list, with programs found through PATH in that filesystem (so `rm /bin/ls` really
//! makes `ls` disappear) and run by basename.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::programs::{self, Ctx, MemInfo};
use super::sys::{ProcInfo, ProgramResult, Sys};
use super::unionfs::UnionFs;

pub use super::programs::Flavor;

pub struct SimSystem<'a> {
    pub fs: &'a mut UnionFs,
    pub hostname: String,
    pub procs: Vec<ProcInfo>,
    pub image_flavor: Flavor,
    /// Figures `free` shows, from the caller's memory model.
    pub memory: MemInfo,
    /// What `date` shows (the engine's clock).
    pub now: DateTime<Utc>,
}

impl<'a> SimSystem<'a> {
    /// A system over `fs` whose flavor is detected from its files.
    pub fn new(fs: &'a mut UnionFs, hostname: String, now: DateTime<Utc>) -> SimSystem<'a> {
        let image_flavor = detect_flavor(fs);
        Self::with_flavor(fs, hostname, now, image_flavor)
    }

    /// A system whose flavor the caller already knows (it is the image's, detected once).
    pub fn with_flavor(
        fs: &'a mut UnionFs,
        hostname: String,
        now: DateTime<Utc>,
        image_flavor: Flavor,
    ) -> SimSystem<'a> {
        SimSystem {
            fs,
            hostname,
            procs: Vec::new(),
            image_flavor,
            memory: MemInfo::default(),
            now,
        }
    }
}

/// Alpine by /etc/alpine-release, Ubuntu by /etc/lsb-release or a dpkg database, else busybox.
pub fn detect_flavor(fs: &UnionFs) -> Flavor {
    if fs.exists("/", "/etc/alpine-release") {
        Flavor::Alpine
    } else if fs.exists("/", "/etc/lsb-release") || fs.exists("/", "/var/lib/dpkg/status") {
        Flavor::Ubuntu
    } else {
        Flavor::Busybox
    }
}

impl Sys for SimSystem<'_> {
    fn read_file(&mut self, cwd: &str, path: &str) -> Result<Vec<u8>, String> {
        self.fs.read_file(cwd, path).map_err(|e| e.to_string())
    }

    fn write_file(
        &mut self,
        cwd: &str,
        path: &str,
        data: &[u8],
        append: bool,
    ) -> Result<(), String> {
        self.fs
            .write_file(cwd, path, data, append)
            .map_err(|e| e.to_string())
    }

    fn is_dir(&mut self, cwd: &str, path: &str) -> bool {
        self.fs.is_dir(cwd, path)
    }

    fn find_program(&mut self, name: &str, path_env: &str, cwd: &str) -> Option<String> {
        programs::lookup_path(self.fs, name, path_env, cwd)
    }

    fn run_program(
        &mut self,
        program_path: &str,
        args: &[String],
        env: &BTreeMap<String, String>,
        cwd: &str,
        stdin: &str,
    ) -> ProgramResult {
        let name = program_path.rsplit('/').next().unwrap_or(program_path);
        let mut ctx = Ctx {
            fs: self.fs,
            flavor: self.image_flavor,
            cwd,
            env,
            stdin,
            hostname: &self.hostname,
            procs: &self.procs,
            memory: self.memory,
            now: self.now,
        };
        programs::run(name, args, &mut ctx)
    }

    fn hostname(&self) -> String {
        self.hostname.clone()
    }
}
