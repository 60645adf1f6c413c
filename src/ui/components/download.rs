//! A large blob being opened for saving or to verify it (`#download`): a bar with how much is
//! decrypted and checked, and Stop. While it is under way it asks for one slice per animation frame.

use yew::prelude::*;

use super::use_slice_per_frame;
use crate::i18n::{Arg, Msg};
use crate::ui::i18n::{t, use_lang};
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
    html! {
        <section id="download" class="panel push-sending" data-percent={percent.to_string()}>
            <div id="download-progress" class="progress" role="progressbar" aria-label={t(lang, "download.label")}
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent.to_string()} aria-valuetext={words.clone()}>
                <div class="progress-bar" style={format!("width: {percent}%")}></div>
            </div>
            <p class="sending-words">
                <button id="download-stop" type="button" onclick={props.on_action.reform(|_| Action::StopDownload)}
                    title={t(lang, "download.stop_title")}>{ t(lang, "download.stop") }</button>
                <span>{ words }</span>
            </p>
        </section>
    }
}
