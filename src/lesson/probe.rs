//! What a lesson may ask of the engine: its state, never its output text.
use crate::engine::state::ContainerStatus;

/// Read-only questions about engine state. The engine implements it; tests use a fake.
pub trait StateProbe {
    /// `None` when no container has that name or ID (or it was removed).
    fn container_status(&self, name: &str) -> Option<ContainerStatus>;
    /// The last exit code of an exited container; `None` when it never exited.
    fn container_exit_code(&self, name: &str) -> Option<i32>;
    /// Number of layers (RootFS.Layers) of a local image.
    fn image_layers(&self, reference: &str) -> Option<usize>;
    /// The image ID (`sha256:…`) a reference resolves to, if it is in the local store.
    fn image_id(&self, reference: &str) -> Option<String>;
    fn image_exists(&self, reference: &str) -> bool {
        self.image_id(reference).is_some()
    }
    /// How many other local images (other image IDs) start with all of this image's layers.
    fn images_sharing_layers(&self, reference: &str) -> Option<usize>;
    /// `docker diff` letter for a path in a container's writable layer: 'A', 'C' or 'D'.
    fn writable_layer_change(&self, container: &str, path: &str) -> Option<char>;
    /// Resident memory of the container's processes; `None` or 0 when it has none.
    fn memory_bytes(&self, container: &str) -> Option<u64>;
    /// Containers whose status is running (paused ones are not counted).
    fn running_count(&self) -> usize;
    /// Containers that exist (any status but removed), like `ps -a | wc -l` minus the header.
    fn container_count(&self) -> usize;
    /// Containers (existing) created from the image this reference resolves to.
    fn containers_from_image(&self, reference: &str) -> usize;
    /// A file on the host side, relative to the session's working directory (e.g. `app.tar`).
    fn host_file_exists(&self, path: &str) -> bool;
    /// The image IDs in an image archive on the host side (`save -o app.tar`); `None` when
    /// the file is missing or is not an image archive.
    fn archive_image_ids(&self, path: &str) -> Option<Vec<String>>;
}
