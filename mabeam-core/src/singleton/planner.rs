use std::collections::{BTreeMap, BTreeSet};

use crate::names::{Claim, NameTable};
use crate::placement::Placement;

use super::{
    ClaimError, Effect, Learned, Plan, Scope, SingletonSpec, Situation, SpecSet, StopReason,
};

/// What a claim of this node is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A cluster singleton's name (the agent id is the name).
    Singleton,
    /// A name registered for a local agent.
    Registered,
}

#[derive(Debug, Clone)]
struct Held {
    claim: Claim,
    kind: Kind,
}

/// One node's side of the cluster registry, as a pure state machine: the managed-agent specs
/// it knows, the names it claims, and — given what it sees ([`Situation`]) — what it must
/// start, stop, claim and release ([`Plan`]). See the [module docs](super) for the rules.
#[derive(Debug, Clone)]
pub struct Planner {
    node: String,
    specs: SpecSet,
    mine: BTreeMap<String, Held>,
    /// The highest epoch seen per name: a new claim takes the next one.
    epochs: BTreeMap<String, u64>,
    /// The winning claims, as of the last plan (and this node's registrations since).
    table: NameTable,
}

impl Planner {
    /// The planner of node `node`, knowing nothing yet.
    pub fn new(node: impl Into<String>) -> Self {
        Self {
            node: node.into(),
            specs: SpecSet::default(),
            mine: BTreeMap::new(),
            epochs: BTreeMap::new(),
            table: NameTable::default(),
        }
    }

    /// The node it plans for.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The managed-agent specs it knows.
    pub fn specs(&self) -> &SpecSet {
        &self.specs
    }

    /// Learns a managed-agent spec (started here, or gossiped by another node).
    pub fn learn(&mut self, spec: SingletonSpec) -> Learned {
        self.specs.learn(spec)
    }

    /// The holder of every name, as of the last plan: what `whereis` answers.
    pub fn names(&self) -> &NameTable {
        &self.table
    }

    /// This node's own claims (what it gossips).
    pub fn held(&self) -> impl Iterator<Item = &Claim> {
        self.mine.values().map(|h| &h.claim)
    }

    /// The local agents this node registered names for ([`Situation::agents`] asks which of
    /// them still exist).
    pub fn registered_agents(&self) -> impl Iterator<Item = &str> {
        self.mine
            .values()
            .filter(|h| h.kind == Kind::Registered)
            .map(|h| h.claim.agent.as_str())
    }

    fn next_epoch(&self, name: &str) -> u64 {
        self.epochs.get(name).map_or(0, |e| e + 1)
    }

    fn saw(&mut self, claim: &Claim) {
        let epoch = self.epochs.entry(claim.name.clone()).or_insert(claim.epoch);
        *epoch = (*epoch).max(claim.epoch);
    }

    /// Claims `name` for local agent `agent` at `now_ms`, if no one holds it as far as this
    /// node knows (re-registering the same agent is accepted). Gossip the returned claim. Two
    /// nodes registering one name at once both succeed here; the next plans resolve it by
    /// the conflict policy, and the loser's agent is stopped.
    pub fn register(&mut self, name: &str, agent: &str, now_ms: u64) -> Result<Claim, ClaimError> {
        if let Some(spec) = self.specs.get(name) {
            return Err(ClaimError::Managed {
                spec: Box::new(spec.clone()),
            });
        }
        if let Some(holder) = self.table.holder(name) {
            let ours = self
                .mine
                .get(name)
                .is_some_and(|h| h.kind == Kind::Registered && h.claim == *holder);
            if ours && holder.agent == agent {
                return Ok(holder.clone());
            }
            return Err(ClaimError::Taken {
                holder: Box::new(holder.clone()),
            });
        }
        let claim = Claim::new(name, &self.node, agent)
            .at_epoch(self.next_epoch(name))
            .registered_at(now_ms);
        self.saw(&claim);
        self.table.claim(claim.clone());
        self.mine.insert(
            name.to_owned(),
            Held {
                claim: claim.clone(),
                kind: Kind::Registered,
            },
        );
        Ok(claim)
    }

    /// Takes back `claim`, which this node gossiped before its planner was rebuilt (after a
    /// restart of whatever runs it): a singleton's claim when a cluster singleton of that name
    /// is known and the claim is for the name itself, a registration when the name is not
    /// managed. Returns false, and keeps nothing, for another node's claim or a claim to a
    /// one-per-node agent's name (withdraw it).
    pub fn adopt(&mut self, claim: Claim) -> bool {
        if claim.node != self.node {
            return false;
        }
        let kind = match self.specs.get(&claim.name) {
            None => Kind::Registered,
            Some(spec) if spec.scope == Scope::Cluster && claim.agent == claim.name => {
                Kind::Singleton
            }
            Some(_) => return false,
        };
        self.saw(&claim);
        self.table.claim(claim.clone());
        self.mine.insert(claim.name.clone(), Held { claim, kind });
        true
    }

    /// Gives up this node's registration of `name` (withdraw the returned claim from gossip).
    /// A singleton's name is not given up this way.
    pub fn unregister(&mut self, name: &str) -> Option<Claim> {
        if self.mine.get(name)?.kind != Kind::Registered {
            return None;
        }
        self.table.release(name, &self.node);
        self.mine.remove(name).map(|h| h.claim)
    }

    /// Decides what this node must do now; see the [module docs](super).
    pub fn plan(&mut self, s: &Situation) -> Plan {
        let me = self.node.clone();
        let mut table = NameTable::default();
        for claim in s.claims.iter().filter(|c| c.node != me) {
            self.saw(claim);
            table.claim(claim.clone());
        }
        let own: Vec<Claim> = self.held().cloned().collect();
        for claim in own {
            self.saw(&claim);
            table.claim(claim);
        }
        let mut stops = Vec::new();
        let mut starts = Vec::new();
        // Agents already being stopped by this plan (each is stopped once).
        let mut stopping = BTreeSet::new();

        // This node's claims: lost ones, and registrations whose agent is gone.
        let held: Vec<(String, Held)> = self
            .mine
            .iter()
            .map(|(n, h)| (n.clone(), h.clone()))
            .collect();
        for (name, held) in held {
            let winner = table.holder(&name).cloned();
            let (agent, running) = match held.kind {
                Kind::Singleton => (name.clone(), s.running.contains(&name)),
                Kind::Registered => (
                    held.claim.agent.clone(),
                    s.agents.contains(&held.claim.agent),
                ),
            };
            match winner {
                Some(winner) if winner != held.claim => {
                    if running && stopping.insert(agent.clone()) {
                        stops.push(Effect::Stop {
                            agent,
                            reason: StopReason::Lost { winner },
                        });
                    }
                    stops.push(Effect::Release { name: name.clone() });
                    self.mine.remove(&name);
                }
                _ if held.kind == Kind::Registered && !running => {
                    stops.push(Effect::Release { name: name.clone() });
                    table.release(&name, &me);
                    self.mine.remove(&name);
                }
                _ => {}
            }
        }

        // Managed agents.
        let mut routes = BTreeMap::new();
        let specs: Vec<SingletonSpec> = self.specs.iter().cloned().collect();
        for spec in &specs {
            let hosts = Placement::new(
                s.hosts
                    .iter()
                    .filter(|(_, types)| types.contains(&spec.agent_type))
                    .map(|(node, _)| node.as_str()),
            );
            let owner = hosts.owner(&spec.key()).map(str::to_owned);
            let running = s.running.contains(&spec.name) && !stopping.contains(&spec.name);
            let route = match spec.scope {
                Scope::PerNode => {
                    let hosted = s.local_types.contains(&spec.agent_type);
                    if hosted && !running {
                        starts.push(Effect::Start(spec.clone()));
                    }
                    if hosted {
                        Some(me.clone())
                    } else {
                        owner
                    }
                }
                Scope::Cluster => {
                    let name = &spec.name;
                    let holds = self
                        .mine
                        .get(name)
                        .is_some_and(|h| h.kind == Kind::Singleton);
                    if holds {
                        if owner.as_deref() != Some(me.as_str()) {
                            if running && stopping.insert(name.clone()) {
                                stops.push(Effect::Stop {
                                    agent: name.clone(),
                                    reason: StopReason::Moved {
                                        owner: owner.clone(),
                                    },
                                });
                            }
                            stops.push(Effect::Release { name: name.clone() });
                            table.release(name, &me);
                            self.mine.remove(name);
                        } else if !running {
                            starts.push(Effect::Start(spec.clone()));
                        }
                    } else if let Some(holder) = table.holder(name) {
                        if running && stopping.insert(name.clone()) {
                            stops.push(Effect::Stop {
                                agent: name.clone(),
                                reason: StopReason::HeldElsewhere {
                                    holder: holder.clone(),
                                },
                            });
                        }
                    } else if owner.as_deref() == Some(me.as_str()) {
                        let claim = Claim::new(name, &me, name)
                            .at_epoch(self.next_epoch(name))
                            .registered_at(s.now_ms);
                        self.saw(&claim);
                        table.claim(claim.clone());
                        self.mine.insert(
                            name.clone(),
                            Held {
                                claim: claim.clone(),
                                kind: Kind::Singleton,
                            },
                        );
                        starts.push(Effect::Claim(claim));
                        starts.push(Effect::Start(spec.clone()));
                    } else if running && stopping.insert(name.clone()) {
                        stops.push(Effect::Stop {
                            agent: name.clone(),
                            reason: StopReason::Moved {
                                owner: owner.clone(),
                            },
                        });
                    }
                    table
                        .holder(name)
                        .filter(|h| h.agent == *name)
                        .map(|h| h.node.clone())
                        .or(owner)
                }
            };
            if let Some(route) = route {
                routes.insert(spec.name.clone(), route);
            }
        }
        self.table = table;
        stops.extend(starts);
        Plan {
            effects: stops,
            routes,
        }
    }
}

#[cfg(test)]
mod tests;
