//! A large blob being opened for saving or to verify it (`#download`): a bar with how much is
//! decrypted and checked, and Stop. While it is under way it asks for one slice per animation frame.

use yew::prelude::*;

use super::{Progress, progress_with_stop, use_slice_per_frame};
use crate::i18n::{Arg, Msg};
use crate::ui::i18n::use_lang;
use crate::ui::state::{Action, DownloadView};

#[derive(Properties, PartialEq)]
pub struct DownloadProps {
    pub download: Option<DownloadView>,
    pub on_action: Callback<Action>,
}

#[function_component(DownloadProgress)]
pub fn download_progress(props: &DownloadProps) -> Html {
    use_slice_per_frame(props.download.as_ref().map(|d| d.slices), props.on_action.clone(), || {
        Action::DownloadSlice
    });
    let lang = use_lang();
    let Some(d) = &props.download else { return html! {} };
    let percent = d.percent();
    let words = match &d.verify {
        Some(_) => Msg::new(
            "download.verifying",
            [d.digest.as_str().into(), Arg::Bytes(d.total_bytes), Arg::Count(percent)],
        ),
        None => Msg::new(
            "download.opening",
            [d.filename.as_str().into(), Arg::Bytes(d.total_bytes), Arg::Count(percent)],
        ),
    }
    .text(lang);
    let bar = Progress {
        bar_id: "download-progress",
        stop_id: "download-stop",
        label: "download.label",
        stop: "download.stop",
        stop_title: "download.stop_title",
        percent,
        words,
        on_stop: props.on_action.reform(|_| Action::StopDownload),
    };
    html! {
        <section id="download" class="panel push-sending" data-percent={percent.to_string()}>
            { progress_with_stop(lang, bar) }
        </section>
    }
}
