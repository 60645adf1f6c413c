use yew::prelude::*;

use crate::engine::Usage;
use crate::ui::format::{count, exact_bytes, grouped, human_bytes};

#[derive(Properties, PartialEq)]
pub struct AccountsProps {
    pub usage: Option<Usage>,
    pub keys: Vec<(String, u64)>,
}

/// Storage accounts: what each holds, logical and sealed, and the registry key.
#[function_component(Accounts)]
pub fn accounts(props: &AccountsProps) -> Html {
    let Some(u) = &props.usage else { return html! {} };
    let keys = props.keys.iter().map(|(id, wraps)| {
        html! {
            <li>
                <span class="mono">{ id }</span>
                { format!(" has wrapped {}", count(*wraps as usize, "data key", "data keys")) }
            </li>
        }
    });
    html! {
        <section id="accounts" class="panel accounts" aria-labelledby="accounts-title">
            <h2 id="accounts-title">{ "Storage accounts" }</h2>
            <p class="hint">{ "Records are spread over the accounts by digest. Logical bytes are what the \
                               registry bills; sealed bytes are the ciphertext, nonces and wrapped keys actually held." }</p>
            <table>
                <thead>
                    <tr><th scope="col">{ "account" }</th><th scope="col">{ "records" }</th>
                        <th scope="col">{ "logical" }</th><th scope="col">{ "sealed" }</th></tr>
                </thead>
                <tbody>
                    { for u.accounts.iter().map(|a| html! {
                        <tr data-account={a.name.clone()}>
                            <td class="mono">{ &a.name }</td>
                            <td class="num">{ grouped(a.records as u64) }</td>
                            <td class="num" data-bytes={a.logical_bytes.to_string()} title={exact_bytes(a.logical_bytes)}>{ human_bytes(a.logical_bytes) }</td>
                            <td class="num" data-bytes={a.sealed_bytes.to_string()} title={exact_bytes(a.sealed_bytes)}>{ human_bytes(a.sealed_bytes) }</td>
                        </tr>
                    }) }
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{ "total" }</th>
                        <td class="num">{ grouped(u.total_records as u64) }</td>
                        <td class="num" title={exact_bytes(u.total_logical_bytes)}>{ human_bytes(u.total_logical_bytes) }</td>
                        <td class="num" title={exact_bytes(u.total_sealed_bytes)}>{ human_bytes(u.total_sealed_bytes) }</td>
                    </tr>
                </tfoot>
            </table>
            <h3>{ "Registry key" }</h3>
            <ul class="keys">{ for keys }</ul>
        </section>
    }
}
