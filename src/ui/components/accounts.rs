use yew::prelude::*;

use crate::engine::Usage;
use crate::ui::format::{count, exact_bytes, grouped, human_bytes};

#[derive(Properties, PartialEq)]
pub struct AccountsProps {
    pub usage: Option<Usage>,
    pub keys: Vec<(String, u64)>,
}

/// Storage accounts: what each bills, holds (logical and sealed), and the registry key.
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
    let bytes = |n: u64| html! { <td class="num" data-bytes={n.to_string()} title={exact_bytes(n)}>{ human_bytes(n) }</td> };
    let records = |all: usize, released: usize| {
        html! {
            <td class="num" data-records={all.to_string()} data-released={released.to_string()}>
                { grouped(all as u64) }
                if released > 0 {
                    <span class="released" title="Released: billing stopped, awaiting garbage collection">
                        { format!(" {} released", grouped(released as u64)) }
                    </span>
                }
            </td>
        }
    };
    html! {
            <section id="accounts" class="panel accounts" aria-labelledby="accounts-title">
                <h2 id="accounts-title">{ "Storage accounts" }</h2>
                <p class="hint">{ "Records are spread over the accounts by digest. Billed bytes are what the registry \
                                   charges for: records still in use. Stored bytes add released records that garbage \
                                   collection has not reclaimed yet. Sealed bytes are the ciphertext, nonces and wrapped \
                                   keys actually held." }</p>
                <div class="table-scroll">
    <table class="usage">
                    <thead>
                        <tr><th scope="col">{ "account" }</th><th scope="col">{ "records" }</th>
                            <th scope="col" title="Logical bytes of records in use: what the registry bills">{ "billed" }</th>
                            <th scope="col" title="Logical bytes held: billed plus released records awaiting garbage collection">{ "stored" }</th>
                            <th scope="col" title="Ciphertext, nonces and wrapped keys actually held">{ "sealed" }</th></tr>
                    </thead>
                    <tbody>
                        { for u.accounts.iter().map(|a| html! {
                            <tr data-account={a.name.clone()}>
                                <td class="mono">{ &a.name }</td>
                                { records(a.records, a.released_records) }
                                { bytes(a.billed_bytes) }
                                { bytes(a.stored_bytes) }
                                { bytes(a.sealed_bytes) }
                            </tr>
                        }) }
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">{ "total" }</th>
                            { records(u.total_records, u.total_released_records) }
                            { bytes(u.total_billed_bytes) }
                            { bytes(u.total_stored_bytes) }
                            { bytes(u.total_sealed_bytes) }
                        </tr>
                    </tfoot>
                </table>
    </div>
                <h3>{ "Registry key" }</h3>
                <ul class="keys">{ for keys }</ul>
            </section>
        }
}
